/** A `.wasm` import: wrangler (and vitest-pool-workers) bundle it as a compiled module. */
declare module "*.wasm" {
  const mod: WebAssembly.Module;
  export default mod;
}
