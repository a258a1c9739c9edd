#!/usr/bin/env python3
"""Per-row weighted quantization of a weight matrix, as SqueezeLLM does it: quantlab's exact
weighted optimum (quantlab.quantize(..., axis=0)) against scikit-learn's KMeans called as
SqueezeLLM calls it (n_init="auto", max_iter=50, sample_weight, one row at a time). Prints
rows per second on 1 and 2 threads and the total weighted error of each, then the overhead
of a Python call over the quantizer's own time at n = 10^6.

    PYTHONPATH=build/python /usr/bin/python3 scripts/bench/rows.py [--size 4096] [--sklearn-rows 256]

The matrix is trained-like (Student-t rows with ν = 4 at row scales spread over a decade),
the weights squared-gradient-like (squares of gradients at row scales of their own).
scikit-learn runs on the first --sklearn-rows rows (its rate is per row; its error is
compared with quantlab's on the same rows).
"""
import argparse
import os
import sys
import time

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one thread means one thread
import quantlab  # noqa: E402


def weighted_error(w, f, q):
    return float((f.astype(np.float64) * (w.astype(np.float64) - q) ** 2).sum())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--levels", type=int, default=16)
    p.add_argument("--sklearn-rows", type=int, default=256)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    n = a.size
    scale = 10 ** rng.uniform(-1, 0, size=(n, 1))
    w = (rng.standard_t(4, size=(n, n)) * scale * 0.02).astype(np.float32)
    f = ((rng.standard_normal((n, n)) * 10 ** rng.uniform(-1, 1, size=(n, 1))) ** 2 + 1e-8)
    f = f.astype(np.float32)

    print(f"{n} x {n} float32, K = {a.levels} per row, weighted (squared-gradient-like)")
    print(f"| method | threads | rows | seconds | rows/s | weighted error (rows compared) |")
    print(f"| --- | ---: | ---: | ---: | ---: | ---: |")
    m = min(a.sklearn_rows, n)
    results = {}
    for threads in (1, 2):
        start = time.perf_counter()
        r = quantlab.quantize(w, "optimal", levels=a.levels, axis=0, weights=f, threads=threads,
                              gap_to_optimal=False)
        seconds = time.perf_counter() - start
        results[threads] = r
        print(f"| quantlab optimal | {threads} | {n} | {seconds:.2f} | {n / seconds:.0f} | "
              f"{weighted_error(w[:m], f[:m], r.reconstruction[:m]):.6g} |")
    sys.stdout.flush()
    assert np.array_equal(results[1].reconstruction, results[2].reconstruction)

    from sklearn.cluster import KMeans
    q = np.empty((m, n))
    start = time.perf_counter()
    for row in range(m):
        km = KMeans(n_clusters=a.levels, n_init="auto", max_iter=50, random_state=row)
        km.fit(w[row].reshape(-1, 1).astype(np.float64), sample_weight=f[row])
        q[row] = km.cluster_centers_[km.labels_, 0]
    seconds = time.perf_counter() - start
    print(f"| scikit-learn KMeans | 1 | {m} | {seconds:.2f} | {m / seconds:.0f} | "
          f"{weighted_error(w[:m], f[:m], q):.6g} |")

    # The Python call against the quantizer's own time (the record's time_s) at n = 10^6.
    x = rng.standard_normal(10 ** 6)
    quantlab.quantize(x, "optimal", levels=a.levels, gap_to_optimal=False)  # warm
    walls, inner = [], []
    for _ in range(5):
        start = time.perf_counter()
        r = quantlab.quantize(x, "optimal", levels=a.levels, gap_to_optimal=False)
        walls.append(time.perf_counter() - start)
        inner.append(r.time_s)
    wall, own = np.median(walls), np.median(inner)
    print(f"\nn = 10^6, K = {a.levels}: a Python call {wall * 1e3:.1f} ms, the quantizer "
          f"{own * 1e3:.1f} ms: overhead {100 * (wall - own) / own:.1f} % "
          "(checks, checksum, coding statistics and copies)")


if __name__ == "__main__":
    main()
