"""Times a peer's fit exactly as bench/run.mjs times ours: one warm-up call, then the best of `runs` calls, in this
one process. CPU time (time.process_time, every thread of the process) and wall time are each the best over the runs.
bench/run.mjs runs each peer twice: with one BLAS thread (the CPU figure, comparable with our single thread) and with
the library's default threads (the wall figure a statsmodels user gets)."""
import time


def best_of(fit, runs=3):
    result = fit()  # warm-up: imports, BLAS initialisation, first-touch of the arrays
    cpu = wall = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        result = fit()
        cpu = min(cpu, time.process_time() - c0)
        wall = min(wall, time.perf_counter() - t0)
    return result, cpu, wall
