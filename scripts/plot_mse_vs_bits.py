#!/usr/bin/python3
"""MSE (or another metric) against bits per algorithm, one panel per dataset, with the
Gaussian Lloyd–Max limit.

    /usr/bin/python3 scripts/plot_mse_vs_bits.py RESULTS.h5 OUT.png [--metric rel_sse]

Each point is the mean over seeds (error bars: standard deviation). On Gaussian datasets the
Lloyd–Max population MSE of the K-level optimal quantizer (Max 1960), scaled by the data's
variance, is drawn for reference: no fixed-rate scalar quantizer beats it in expectation.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import load_columns  # noqa: E402

# Max (1960), unit-variance Gaussian, K = 2, 4, 8, 16; beyond, the Panter–Dite high-rate
# approximation (π√3/2) K^-2.
LLOYD_MAX = {1: 0.3634, 2: 0.1175, 3: 0.03454, 4: 0.009497}


def lloyd_max(bits):
    return LLOYD_MAX.get(bits, np.pi * np.sqrt(3) / 2 * 4.0 ** (-bits))


def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("out")
    parser.add_argument("--metric", default="mse", help="mse (default) or rel_sse")
    args = parser.parse_args()
    metric = args.metric
    table = load_columns(args.results)
    ok = table["status"] == "ok"
    datasets = list(dict.fromkeys(table["dataset"][ok]))
    labels = list(dict.fromkeys(table["label"][ok]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4.2), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        rows = ok & (table["dataset"] == dataset)
        for label in labels:
            sel = rows & (table["label"] == label)
            bits = sorted(set(table["bits"][sel]))
            if not bits:
                continue
            mse = [table[metric][sel & (table["bits"] == b)] for b in bits]
            ax.errorbar(bits, [m.mean() for m in mse], yerr=[m.std() for m in mse],
                        marker="o", capsize=3, label=label)
        generator = table.get("data_generator")
        if generator is not None and str(generator[rows][0]).endswith("/ gaussian") and metric in ("mse", "rel_sse"):
            bits = sorted(set(table["bits"][rows]))
            # rel_sse is relative to the energy, about the variance for zero-mean data.
            var = 1.0 if metric == "rel_sse" else table["data_var"][rows][0]
            ax.plot(bits, [var * lloyd_max(int(b)) for b in bits], color="black", ls=":",
                    lw=2, marker="x", markersize=9, zorder=5, label="Lloyd–Max limit")
        ax.set_yscale("log")
        ax.set_xticks(sorted(set(int(b) for b in table["bits"][rows])))
        ax.set_xlabel("bits (K = 2^bits levels)")
        ax.set_ylabel(metric)
        ax.set_title(dataset)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
