/**
 * Registers the WebAssembly SIMD kernels of the OLS and logit passes (models/wasm/kernels.wasm) with models/.
 * Workers cannot compile WebAssembly from bytes at run time, so the module is imported: wrangler bundles a
 * `.wasm` import as a compiled WebAssembly.Module, and instantiating a compiled module is allowed.
 */
import kernels from "../models/wasm/kernels.wasm";
import { type KernelExports, useKernels } from "../models/wasm/kernels";

/** Instantiates the kernels and hands them to models/ (their JavaScript loops are the fallback). @example registerKernels(); */
export function registerKernels(): void {
  useKernels(new WebAssembly.Instance(kernels).exports as unknown as KernelExports);
}
