#!/usr/bin/python3
"""Paper 4's table and figures from a merged network sweep with LC / iDC runs
(configs/paper4/lenet300.yaml, lenet300-quick.yaml or lenet300-short.yaml).

    /usr/bin/python3 scripts/plot_paper4.py RESULTS.h5 OUT_PREFIX

prints the test error against the whole network's compression ratio (fixed-length codes,
as the toolkit counts, biases at 32 bits; and with Huffman-coded indices) per method and K,
and writes OUT_PREFIX-error.png (test error against that ratio, one line per method) and
OUT_PREFIX-schedule.png (training loss and test error of the quantized net over the LC / iDC
steps, one line per run).
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from panels import save  # noqa: E402  (and the colour cycle)
from results import load_columns, load_distribution  # noqa: E402



def print_table(table, rows):
    print("| method | K | ratio (fixed) | ratio (Huffman) | test error % | before training % | training |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for i in rows:
        direct = table["direct_test_accuracy"][i] if "direct_test_accuracy" in table else np.nan
        seconds = table["training_s"][i] if "training_s" in table else np.nan
        print(f"| {table['label'][i]} | {int(table['levels_requested'][i])} "
              f"| {table['network_compression_ratio_fixed'][i]:.1f} | {table['network_compression_ratio'][i]:.1f} "
              f"| {100 * (1 - table['test_accuracy'][i]):.2f} "
              f"| {'' if np.isnan(direct) else f'{100 * (1 - direct):.2f}'} "
              f"| {'' if np.isnan(seconds) else f'{seconds:.0f} s'} |")


def plot_error(table, rows, out):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    labels = table["label"][rows]
    for label in dict.fromkeys(labels):
        sel = rows[labels == label]
        order = np.argsort(table["network_compression_ratio_fixed"][sel])
        ratio = table["network_compression_ratio_fixed"][sel][order]
        error = 100 * (1 - table["test_accuracy"][sel][order])
        ax.plot(ratio, error, marker="o", ms=4, lw=1.2 if len(sel) > 1 else 0, label=label)
    reference = 100 * (1 - table["reference_accuracy"][rows[0]])
    ax.axhline(reference, color="k", lw=0.8, ls=":", label="reference net")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("compression ratio of the whole network (fixed-length codes, 32-bit biases)")
    ax.set_ylabel("test error %")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6.5, ncol=2)
    save(fig, out)


def plot_schedule(path, table, rows, out):
    fig, (loss_ax, error_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    for i in rows:
        run = table["run_id"][i]
        train_loss = load_distribution(path, run, "lc_train_loss")  # empty: quantized once
        if len(train_loss) == 0:
            continue
        error = 100 * (1 - load_distribution(path, run, "lc_test_accuracy"))
        steps = np.arange(1, len(train_loss) + 1)
        name = f"{table['label'][i]}, K = {int(table['levels_requested'][i])}"
        loss_ax.semilogy(steps, train_loss, lw=1.1, label=name)
        error_ax.semilogy(steps, error, lw=1.1, label=name)
    loss_ax.set_ylabel("training loss, last epoch of the step")
    error_ax.set_ylabel("test error % of the quantized net Δ(Θ)")
    for ax in (loss_ax, error_ax):
        ax.set_xlabel("step (LC: μ_j = μ0 · a^j)")
        ax.grid(True, which="both", alpha=0.3)
    if error_ax.lines:
        error_ax.legend(fontsize=6)
    save(fig, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("prefix")
    args = parser.parse_args()
    table = load_columns(args.results)
    rows = np.flatnonzero((table["status"] == "ok") & ~np.isnan(table["test_accuracy"]))
    if len(rows) == 0:
        raise SystemExit(f"{args.results} has no successful network runs")
    print_table(table, rows)
    plot_error(table, rows, args.prefix + "-error.png")
    plot_schedule(args.results, table, rows, args.prefix + "-schedule.png")


if __name__ == "__main__":
    main()
