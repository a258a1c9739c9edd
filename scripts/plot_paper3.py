#!/usr/bin/python3
"""Paper 3's figures from merged sweeps of configs/paper3/.

    /usr/bin/python3 scripts/plot_paper3.py RESULTS.h5 OUT_PREFIX [--bits B]

writes OUT_PREFIX-error.png (relative Frobenius error ‖X − X̂‖_F/‖X‖_F against bits per method
and granularity, one panel per tensor; seeded methods: mean over seeds),
OUT_PREFIX-residual.png (the decomposition's relative residual against the step, per
transform and form, one panel per tensor) and OUT_PREFIX-factors.png (histograms of the
factors u and v̂ of one run per transform, at B bits, default the largest: the "several
peaks").
"""
import argparse
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


def method(table, i):
    g = table["granularity"][i]
    return table["label"][i] + ("" if g == "tensor" else " per channel")


def plot_error(table, ok, out):
    keys = tensor_panels(table, ok)
    names = np.array([method(table, i) for i in range(len(table["label"]))])
    fig, axes = grid(len(keys))
    for ax, (dataset, tensor) in zip(axes.flat, keys):
        here = ok & (table["dataset"] == dataset) & (table["tensor"] == tensor)
        for name in dict.fromkeys(names[here]):
            sel = here & (names == name)
            bits = sorted(set(table["bits"][sel]))
            error = [np.sqrt(table["rel_sse"][sel & (table["bits"] == b)]).mean() for b in bits]
            kashin = name.startswith("kashin")
            ax.plot(bits, error, marker="o" if kashin else "s", ms=3, lw=1.2,
                    ls="-" if kashin else "--", label=name)
        ax.set_yscale("log")
        ax.set_xlabel("bits per weight")
        ax.set_ylabel("‖X − X̂‖_F / ‖X‖_F")
        ax.set_title(f"{dataset}: {tensor}", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=5.5)
    save(fig, out)


def plot_residual(path, table, ok, out):
    kashin = ok & (table["algorithm"] == "kashin")
    keys = tensor_panels(table, kashin)
    fig, axes = grid(len(keys))
    with h5py.File(path, "r") as f:
        vectors = RunVectors(f)
        for ax, (dataset, tensor) in zip(axes.flat, keys):
            here = kashin & (table["dataset"] == dataset) & (table["tensor"] == tensor)
            seen = set()
            for i in np.flatnonzero(here):
                # The decomposition does not depend on the factor quantizer or on K.
                parameters = dict(p.split("=", 1) for p in table["parameters"][i].split(","))
                key = (parameters["transform"], parameters["form"])
                if key in seen:
                    continue
                seen.add(key)
                residuals = vectors.get(table["run_id"][i], "diag_residuals")
                ax.semilogy(np.arange(len(residuals)), residuals, label=f"{key[0]}, {key[1]}")
            ax.set_xlabel("step")
            ax.set_ylabel("‖r‖ / ‖X‖")
            ax.set_title(f"{dataset}: {tensor}", fontsize=9)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
    save(fig, out)


def plot_factors(path, table, ok, bits, out):
    kashin = ok & (table["algorithm"] == "kashin")
    bits = bits or int(table["bits"][kashin].max())
    dataset, tensor = tensor_panels(table, kashin)[0]
    here = kashin & (table["dataset"] == dataset) & (table["tensor"] == tensor) & (table["bits"] == bits)
    runs = {}
    for i in np.flatnonzero(here):
        parameters = dict(p.split("=", 1) for p in table["parameters"][i].split(","))
        runs.setdefault(f"{parameters['transform']}, {parameters['form']}", table["run_id"][i])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    with h5py.File(path, "r") as f:
        vectors = RunVectors(f)
        for ax, factor in zip(axes, ("u", "v")):
            for name, run in runs.items():
                counts = vectors.get(run, f"hist_{factor}")
                edges = vectors.get(run, f"hist_{factor}_edges")
                ax.stairs(counts, edges, label=name)
            ax.set_xlabel(f"entries of {'u' if factor == 'u' else 'v̂'} (at the tensor's scale)")
            ax.set_ylabel("count")
            ax.set_title(f"{dataset}: {tensor}, factor {factor}", fontsize=9)
            ax.legend(fontsize=7)
    save(fig, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("prefix")
    parser.add_argument("--bits", type=int, help="bits of the runs whose factors are drawn")
    args = parser.parse_args()
    table = load_columns(args.results)
    ok = table["status"] == "ok"
    plot_error(table, ok, args.prefix + "-error.png")
    plot_residual(args.results, table, ok, args.prefix + "-residual.png")
    plot_factors(args.results, table, ok, args.bits, args.prefix + "-factors.png")


if __name__ == "__main__":
    main()
