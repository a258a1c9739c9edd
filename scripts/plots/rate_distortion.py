"""rate-distortion (paper 5 on data): mse/σ² against the coded rate per method, one panel per
dataset/tensor (and granularity), with Shannon's bound D(R) = σ² 2^(−2R) of a Gaussian of the
data's variance, and under each panel every method's distance to that bound in bits,
H − ½ log2(σ²/D).

Any source of that variance does at least as well as the Gaussian, so on heavy-tailed data a
method can sit below the bound. A swept rate target (ecsq's `rate`) is a point on its
method's curve, not a method of its own."""
import re

import numpy as np

from .series import mean_std, split
from .style import REFERENCE, finish, grid, points, proxy, series_style, seeds_note

RATES = ("huffman_bits", "entropy_bits", "bits_fixed")
SHANNON_STYLE = {"color": REFERENCE, "linestyle": (0, (1, 1)), "linewidth": 1.8, "zorder": 2.5}
ECSQ_STYLE = {"color": REFERENCE, "linestyle": (0, (6, 3)), "linewidth": 1.0, "zorder": 2.5}
# Uniform ECSQ's high-rate distance to D(R): ½ log2(2πe/12).
ECSQ_GAP = 0.5 * np.log2(2 * np.pi * np.e / 12)


def options(parser):
    parser.add_argument("--rate", default="huffman_bits", choices=RATES,
                        help="the rate axis: Huffman-coded index bits per value (default), the "
                             "entropy of the codeword frequencies, or fixed-length bits")


def method(label):
    """The label without its rate target."""
    return re.sub(r"rate=[^,)]*,?", "", label).replace(",)", ")").replace("()", "")


def draw(table, options):
    rate = options.rate
    table.require("rate-distortion", ["dataset", "tensor", "label", "mse", "data_var", rate],
                  f"the rate column '{rate}'")
    rows = np.flatnonzero(np.isfinite(table[rate]) & np.isfinite(table["mse"]) & (table["mse"] > 0))
    methods = np.array([method(str(label)) for label in table["label"]], dtype=object)
    layout = split(table, rows, series=("method",), point=("levels_requested", "parameters.rate"),
                   extra={"method": methods})
    fig, facets = grid(len(layout.panels), stack=2, height_ratios=(2, 1))
    for (top, bottom), panel in zip(facets, layout.panels):
        highest = 0.0
        for i, series in enumerate(layout.series):
            cell = layout.points(panel, series)
            if not cell:
                continue
            stats = []
            for _, r in cell:
                var = table["data_var"][r]
                d = table["mse"][r] / var
                h = table[rate][r]
                stats.append((mean_std(h), mean_std(d), mean_std(h - 0.5 * np.log2(1 / d))))
            stats.sort(key=lambda s: s[0][0])
            (h, herr), (d, derr), (gap, gaperr) = (np.array(v).T for v in zip(*stats))
            style = series_style(i)
            points(top, h, d, derr, style, xerr=herr)
            points(bottom, h, gap, gaperr, style, xerr=herr)
            highest = max(highest, float(h.max()))
        grid_rate = np.linspace(0, highest + 0.5, 200)
        top.plot(grid_rate, 2.0 ** (-2 * grid_rate), **SHANNON_STYLE)
        bottom.axhline(ECSQ_GAP, **ECSQ_STYLE)
        top.set_yscale("log")
        top.set_ylabel("mse / σ²")
        top.set_title(layout.titles[panel])
        bottom.set_xlabel(f"rate: {rate}, bits per value")
        bottom.set_ylabel("bits above D(R)")
        bottom.set_xlim(top.get_xlim())
    entries = [(proxy(series_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    entries += [(proxy(SHANNON_STYLE), r"Shannon's $D(R) = \sigma^2 2^{-2R}$ (Gaussian)"),
                (proxy(ECSQ_STYLE), f"{ECSQ_GAP:.4f} bit: uniform ECSQ at high rate")]
    return finish(fig, entries, seeds_note(layout.seeds))
