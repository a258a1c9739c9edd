#!/usr/bin/python3
"""Paper 5's Table 1, LeNet rows, from quantlab's sweeps beside the paper's numbers.

    /usr/bin/python3 scripts/paper5/table1.py [results/paper5-lenet-table1.h5 results/paper5-lenet-table1-ecsq.h5]
        [--min-accuracy A]

For each method (and importance weighting; with and without fine-tuned codewords) the row is
the run with the highest compression ratio whose test accuracy is at least A, mean over seeds.
The ratio is counted as the paper counts it (paper 5 eq. 1 over all N = 431,080 parameters:
Huffman-coded indices and pruned positions, 32-bit codebook, and the 580 biases, which are
not quantized, at 32 bits: `network_compression_ratio`); the ratio over the quantized kernels
alone is printed beside it. The paper's numbers, after its fine-tuning of the codewords, are
printed beside each of the method's rows. Without --min-accuracy, two tables: A = the
unquantized pruned network's accuracy (no loss), and A = 99.25 % (the paper's original
network). The rows are chosen on the test set: there is no held-out split yet.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from results import load_table  # noqa: E402

PAPER = {  # method: (accuracy %, compression ratio) of the paper's Table 1, LeNet rows
    "original": (99.25, 1.0),
    "pruned": (99.27, 10.13),
    "k-means": (99.27, 44.58),
    "Hessian-weighted k-means": (99.27, 47.16),
    "uniform ECSQ": (99.28, 51.25),  # the paper's uniform quantization: a step for a rate
    "iterative ECSQ": (99.27, 49.01),
}
NAMES = {("kmeans", "none"): "k-means", ("kmeans", "hessian"): "Hessian-weighted k-means",
         ("uniform", "none"): "uniform", ("ecsq_uniform", "none"): "uniform ECSQ",
         ("ecsq", "none"): "iterative ECSQ", ("optimal", "none"): "optimal (quantlab)",
         ("optimal", "hessian"): "Hessian-weighted optimal (quantlab)"}


def print_rows(runs, floor):
    print("| method | accuracy (%) | ratio (eq. 1, N = 431,080) | kernels only | K | paper: accuracy "
          "| paper: ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for fine_tuned in (False, True):
        for (algorithm, weights), name in NAMES.items():
            mine = runs[(runs.algorithm == algorithm) & (runs.weights == weights) & (runs.fine_tuned == fine_tuned)]
            if fine_tuned and mine.empty:
                continue
            paper = PAPER.get(name, ("", ""))
            name += " + fine-tuned codewords" if fine_tuned else ""
            mine = mine[mine.accuracy >= floor - 1e-12]
            if mine.empty:
                print(f"| {name} | – | – | – | – | {paper[0]} | {paper[1]} |")
                continue
            best = mine.loc[mine.network_ratio.idxmax()]
            print(f"| {name} | {100 * best.accuracy:.2f} | {best.network_ratio:.2f} | {best.ratio:.2f} "
                  f"| {int(best.levels)} | {paper[0]} | {paper[1]} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="*",
                        default=["results/paper5-lenet-table1.h5", "results/paper5-lenet-table1-ecsq.h5"])
    parser.add_argument("--min-accuracy", type=float)
    args = parser.parse_args()
    import pandas as pd
    df = pd.concat([load_table(p) for p in args.results if os.path.exists(p)], ignore_index=True)
    df = df[df.status == "ok"]
    df["fine_tuned"] = df.get("network_training", pd.Series("", index=df.index)).fillna("").str.contains(
        r"fine_tune_epochs=[1-9]")
    reference = df.reference_accuracy.iloc[0]
    runs = df.groupby(["algorithm", "weights", "fine_tuned", "label", "levels_requested"]).agg(
        accuracy=("test_accuracy", "mean"), ratio=("compression_ratio", "mean"),
        network_ratio=("network_compression_ratio", "mean"), levels=("levels", "max")).reset_index()
    floors = [args.min_accuracy] if args.min_accuracy is not None else [reference, PAPER["original"][0] / 100]
    for floor in floors:
        print(f"\npruned network: test accuracy {100 * reference:.2f} %; rows: the best ratio (the "
              f"whole network, biases at 32 bits, as the paper counts) at accuracy >= "
              f"{100 * floor:.2f} %, chosen on the test set\n")
        print_rows(runs, floor)


if __name__ == "__main__":
    main()
