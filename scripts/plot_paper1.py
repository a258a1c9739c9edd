#!/usr/bin/python3
"""Paper 1's figures from a merged sweep of configs/paper1/ (and the solver benchmark).

    /usr/bin/python3 scripts/plot_paper1.py RESULTS.h5 OUT_PREFIX [--timing BENCH.csv] [--levels K]

writes OUT_PREFIX-loss.png (information loss, rel_sse = ‖x − x̂‖²/‖x‖², against K per method,
one panel per tensor; seeded methods: mean over seeds, the band spans min to max),
OUT_PREFIX-beta.png (histograms of the sparse vector's non-zero gaps β̂_j, j ≥ 2, per
penalty at one K, default the median K of the sweep) and, given the CSV of
`build/sparse_l1_bench --csv FILE`, OUT_PREFIX-time.png (time of one l1 solve against m, exact
vs dense coordinate descent; hollow markers are estimated from the time per sweep).
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from panels import grid, save, tensor_panels  # noqa: E402
from results import RunVectors, load_columns  # noqa: E402

import h5py  # noqa: E402


def plot_loss(table, ok, out):
    keys = tensor_panels(table, ok)
    labels = list(dict.fromkeys(table["label"][ok]))
    fig, axes = grid(len(keys))
    for ax, (dataset, tensor) in zip(axes.flat, keys):
        here = ok & (table["dataset"] == dataset) & (table["tensor"] == tensor)
        for label in labels:
            sel = here & (table["label"] == label)
            ks = sorted(set(table["levels"][sel]))
            if not ks:
                continue
            values = [table["rel_sse"][sel & (table["levels"] == k)] for k in ks]
            mean = np.array([v.mean() for v in values])
            optimal = label == "optimal"
            line, = ax.plot(ks, mean, marker="o", ms=3, label=label,
                            color="black" if optimal else None, lw=2.5 if optimal else 1.2,
                            ls=":" if optimal else "-", zorder=5 if optimal else 2)
            if any(len(v) > 1 for v in values):
                ax.fill_between(ks, [v.min() for v in values], [v.max() for v in values],
                                color=line.get_color(), alpha=0.2)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("K (levels reached)")
        ax.set_ylabel("rel_sse")
        ax.set_title(f"{dataset}: {tensor}", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=6)
    save(fig, out)


def plot_beta(path, table, ok, levels, out):
    sparse = ok & np.char.startswith(table["algorithm"].astype(str), "sparse_")
    keys = tensor_panels(table, sparse)
    all_k = sorted(set(table["levels_requested"][sparse]))
    k = levels if levels else int(all_k[len(all_k) // 2])
    labels = list(dict.fromkeys(table["label"][sparse]))
    fig, axes = plt.subplots(1, len(keys), figsize=(5.2 * len(keys), 4), squeeze=False)
    with h5py.File(path, "r") as f:
        vectors = RunVectors(f)
        for ax, (dataset, tensor) in zip(axes[0], keys):
            here = sparse & (table["dataset"] == dataset) & (table["tensor"] == tensor) & \
                (table["levels_requested"] == k)
            gaps = {}
            for label in labels:
                ids = table["run_id"][here & (table["label"] == label)]
                if len(ids):
                    g = vectors.get(ids[0], "diag_beta_gaps")
                    gaps[label] = np.zeros(0) if g is None else g
            every = np.concatenate([g for g in gaps.values() if len(g)] or [np.ones(1)])
            bins = np.geomspace(every.min(), every.max() * 1.0001, 30)
            for label, g in gaps.items():
                ax.hist(g, bins=bins, histtype="step", lw=1.4, label=f"{label} ({len(g)})")
            ax.set_xscale("log")
            ax.set_xlabel("non-zero β̂_j, j ≥ 2 (gap between consecutive levels)")
            ax.set_ylabel("count")
            ax.set_title(f"{dataset}: {tensor}, K = {k}", fontsize=9)
            ax.legend(fontsize=6)
    save(fig, out)


def plot_time(csv_path, out):
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    for solver, color in (("exact", "tab:blue"), ("dense", "tab:red")):
        mine = [r for r in rows if r["solver"] == solver]
        m = [int(r["m"]) for r in mine]
        t = [float(r["seconds"]) for r in mine]
        ax.plot(m, t, color=color, label=f"sparse_l1 solver: {solver}")
        for r in mine:
            estimated = r["estimated"] == "1"
            ax.plot(int(r["m"]), float(r["seconds"]), "o", color=color,
                    mfc="white" if estimated else color)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("m (distinct values)")
    ax.set_ylabel("time of one l1 solve (s)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("prefix")
    parser.add_argument("--timing", help="CSV of build/sparse_l1_bench --csv")
    parser.add_argument("--levels", type=int, help="K of the β̂ histograms")
    args = parser.parse_args()
    table = load_columns(args.results)
    ok = table["status"] == "ok"
    plot_loss(table, ok, args.prefix + "-loss.png")
    plot_beta(args.results, table, ok, args.levels, args.prefix + "-beta.png")
    if args.timing:
        plot_time(args.timing, args.prefix + "-time.png")


if __name__ == "__main__":
    main()
