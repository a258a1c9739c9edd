#!/usr/bin/python3
"""Scaling benchmark: quantlab's optimal and k-means against scikit-learn's KMeans.

    scripts/install.sh --bench && meson compile -C build
    /usr/bin/python3 scripts/bench/scaling.py [--config configs/bench/scaling.yaml] [--sklearn-max-n N]

Runs the config with one thread (optimal and k-means, n = 10^3 ... 10^7, K = 4, 16, 256),
then scikit-learn's KMeans (k-means++, n_init = 1, one thread) on the same data, exported by
`quantlab dataset make --config`, and prints one Markdown table: median time and gap to the
exact optimum of each method, side by side.
"""
import argparse
import os
import subprocess
import sys
import time

os.environ["OMP_NUM_THREADS"] = "1"        # before numpy/scikit-learn load their thread pools
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import h5py  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from results import load_columns  # noqa: E402


def quantlab(*args):
    subprocess.run([os.path.join(ROOT, "build", "quantlab"), *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/bench/scaling.yaml")
    parser.add_argument("--out", default="results/bench")
    parser.add_argument("--sklearn-max-n", type=float, default=1e7,
                        help="skip scikit-learn above this n (it is slow at large K)")
    args = parser.parse_args()
    try:
        from sklearn.cluster import KMeans
    except ImportError:
        raise SystemExit("scikit-learn is missing: run scripts/install.sh --bench")

    quantlab("run", args.config, "--threads", "1", "--out", args.out)
    quantlab("merge", args.config, "--out", args.out)
    data_path = os.path.join(ROOT, args.out, "scaling-data.h5")
    quantlab("dataset", "make", data_path, "--config", args.config)

    sweep = load_columns(os.path.join(ROOT, args.out, "bench-scaling.h5"))
    ok = sweep["status"] == "ok"
    rows = []
    with h5py.File(data_path, "r") as data:
        for dataset in dict.fromkeys(sweep["dataset"][ok]):
            x = np.asarray(data[dataset]).reshape(-1, 1)
            for K in sorted(set(sweep["levels_requested"][ok].astype(int))):
                sel = ok & (sweep["dataset"] == dataset) & (sweep["levels_requested"] == K)
                row = {"n": len(x), "K": K}
                for algorithm in ("optimal", "kmeans"):
                    s = sel & (sweep["algorithm"] == algorithm)
                    row[algorithm] = (sweep["time_s"][s][0], sweep["gap_to_optimal"][s][0])
                mse_optimal = sweep["mse_optimal"][sel][0]
                if len(x) <= args.sklearn_max_n:
                    start = time.perf_counter()
                    km = KMeans(n_clusters=K, init="k-means++", n_init=1, random_state=0).fit(x)
                    seconds = time.perf_counter() - start
                    row["sklearn"] = (seconds, km.inertia_ / len(x) / mse_optimal - 1)
                rows.append(row)
                print(f"n = {len(x)}, K = {K} done", file=sys.stderr)

    print("| n | K | optimal time | k-means time | k-means gap | scikit-learn time | scikit-learn gap |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        sk = r.get("sklearn")
        sk_text = f"{sk[0]:.3g} s | {100 * sk[1]:.3f} %" if sk else "– | –"
        print(f"| {r['n']:,} | {r['K']} | {r['optimal'][0]:.3g} s | {r['kmeans'][0]:.3g} s | "
              f"{100 * r['kmeans'][1]:.3f} % | {sk_text} |")
    print("\nTimes: median of the config's repetitions (quantlab; sort included) or one fit "
          "(scikit-learn), one thread. Gap: mse / mse_optimal - 1 against the exact optimum.")


if __name__ == "__main__":
    main()
