#!/usr/bin/python3
"""Rate-distortion plots (paper 5 on data): mse against rate for every method, one panel per
dataset, with Shannon's bound D(R) = σ² 2^(−2R) on Gaussian data, and below each panel every
method's distance to that bound in bits, H − ½ log2(σ²/D).

    /usr/bin/python3 scripts/plot_rate_distortion.py OUT.png RESULTS.h5 [RESULTS.h5 ...] [--rate huffman_bits]

Rates: huffman_bits (default, the Huffman-coded index bits per value), entropy_bits, or
bits_fixed (fixed-length codes). Runs are grouped by dataset/tensor and label (+ weights).
The bound is the Gaussian one for the data's variance: any source of that variance does at
least as well, so on heavy-tailed data a method can sit below it.
"""
import argparse
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import load_columns  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("results", nargs="+")
    parser.add_argument("--rate", default="huffman_bits")
    args = parser.parse_args()
    tables = [load_columns(path) for path in args.results]
    rows = []
    for t in tables:
        for i in range(len(t["run_id"])):
            if t["status"][i] != "ok":
                continue
            weights = t["weights"][i] if "weights" in t else "none"
            # One curve per method: a swept rate target is a point on it, not a method.
            label = re.sub(r"rate=[^,)]*,?", "", t["label"][i]).replace(",)", ")").replace("()", "")
            rows.append({
                "panel": f"{t['dataset'][i]}:{t['tensor'][i]}",
                "method": label + ("" if weights == "none" else f" [{weights}]"),
                "rate": float(t[args.rate][i]), "mse": float(t["mse"][i]),
                "var": float(t["data_var"][i]),
            })
    panels = list(dict.fromkeys(r["panel"] for r in rows))
    fig, axes = plt.subplots(2, len(panels), figsize=(5 * len(panels), 7.5), squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1]})
    for col, panel in enumerate(panels):
        top, bottom = axes[0][col], axes[1][col]
        mine = [r for r in rows if r["panel"] == panel]
        var = mine[0]["var"]
        for method in dict.fromkeys(r["method"] for r in mine):
            pts = sorted((r["rate"], r["mse"]) for r in mine if r["method"] == method)
            rate, mse = np.array(pts).T
            top.plot(rate, mse / var, marker="o", label=method)
            bottom.plot(rate, rate - 0.5 * np.log2(var / mse), marker="o", label=method)
        grid = np.linspace(0, max(r["rate"] for r in mine) + 0.5, 100)
        top.plot(grid, 2.0 ** (-2 * grid), "k:", lw=2, label="Shannon D(R) (Gaussian)")
        bottom.axhline(0.5 * np.log2(2 * np.pi * np.e / 12), color="gray", ls="--", lw=1,
                       label="0.254 bit (ECSQ, high rate)")
        top.set_yscale("log")
        top.set_title(panel)
        top.set_ylabel("mse / σ²")
        bottom.set_xlabel(f"rate ({args.rate}, bits per value)")
        bottom.set_ylabel("distance to D(R), bits")
        for ax in (top, bottom):
            ax.grid(True, alpha=0.3)
        top.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
