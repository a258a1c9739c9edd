#!/usr/bin/python3
"""Paper 5's Table 1, LeNet rows, over networks trained from several seeds: each network's rows
chosen as scripts/paper5/table1.py chooses them (on its held-out images), then per method the
chosen ratio and test accuracy of every network, and their mean ± standard deviation.

    /usr/bin/python3 scripts/paper5/table1_seeds.py SEED1.h5 SEED2.h5 ... [--chosen-on test]

Each argument holds one network's runs (configs/paper5/lenet-table1-seeds.yaml and
lenet-table1-seeds-levels.yaml run on it: their two files go together as "a.h5,b.h5"). The floors are each network's own: no loss
against its pruned network, and the paper's 99.25 % carried over as the same slack.
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from table1 import Sweep, chosen_rows  # noqa: E402


def spread(values, digits):
    """'mean ± std' (the sample standard deviation; a single value alone)."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="+", help="one results file (or a,b,...) a network")
    parser.add_argument("--chosen-on", choices=("validation", "test"))
    args = parser.parse_args()
    sweeps = [Sweep(arg.split(","), args.chosen_on) for arg in args.networks]
    for criterion in range(len(sweeps[0].floors)):
        label = sweeps[0].floors[criterion][0]
        images = "test set" if sweeps[0].chosen_on == "test" else "held-out training images"
        print(f"\nrows chosen on the {images} with {label}, each network against its own "
              f"pruned network (test accuracy "
              + ", ".join(f"{100 * s.reference:.2f}" for s in sweeps) + " %; on the chosen "
              "images " + ", ".join(f"{100 * s.reference_chosen:.2f}" for s in sweeps) + " %)\n")
        print("| method | per network: ratio (test accuracy %, K) | ratio | test accuracy (%) "
              "| ratio, positions arithmetic-coded | paper: ratio |")
        print("|---|---|---:|---:|---:|---:|")
        # Each network's chosen row by method (a network may lack a method's runs).
        chosen = [{name: (paper, best) for name, paper, best in
                   chosen_rows(s.runs, s.floors[criterion][1], s.chosen_on)} for s in sweeps]
        names = list(dict.fromkeys(name for rows in chosen for name in rows))
        for name in names:
            paper = next(rows[name][0] for rows in chosen if name in rows)
            bests = [rows[name][1] if name in rows else None for rows in chosen]
            found = [best for best in bests if best is not None]
            if not found:
                continue
            each = ", ".join("–" if best is None else
                             f"{best.network_ratio:.2f} ({100 * best.accuracy:.2f}, {int(best.levels)})"
                             for best in bests)
            missing = "" if len(found) == len(bests) else f" ({len(found)} of {len(bests)})"
            print(f"| {name} | {each} | {spread([b.network_ratio for b in found], 2)}{missing} "
                  f"| {spread([100 * b.accuracy for b in found], 2)} "
                  f"| {spread([b.arithmetic_ratio for b in found], 2)} | {paper[1]} |")


if __name__ == "__main__":
    main()
