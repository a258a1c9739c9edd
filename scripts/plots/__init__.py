"""The figure kinds of scripts/plot.py: each a function from the runs of results files (a
Table) and its options to a matplotlib Figure.

    import sys; sys.path.insert(0, "scripts")
    import plots
    fig = plots.figure("mse-vs-bits", ["results/quickstart.h5"], metric="rel_sse")
"""
import argparse
from dataclasses import dataclass
from typing import Callable

from . import mse_vs_bits, paper1, paper3, paper4, rate_distortion
from .table import PlotError, Table


@dataclass
class Kind:
    name: str
    summary: str  # one line, for plot.py --help
    draw: Callable  # (Table or None, options) -> Figure
    options: Callable = lambda parser: None  # adds the kind's options to an ArgumentParser
    results: bool = True  # False: draws from --timing alone, takes no results file


KINDS = {k.name: k for k in (
    Kind("mse-vs-bits", "a metric (--metric, default mse) against bits per method, with the "
         "Gaussian Lloyd–Max limit", mse_vs_bits.draw, mse_vs_bits.options),
    Kind("rate-distortion", "mse/σ² against the coded rate (--rate) per method, with Shannon's "
         "D(R) and each method's distance to it", rate_distortion.draw, rate_distortion.options),
    Kind("paper1-loss", "paper 1: information loss rel_sse against the levels reached K, per "
         "method", paper1.loss),
    Kind("paper1-beta", "paper 1: histograms of the sparse vector's non-zero gaps β̂_j, j ≥ 2, "
         "per penalty at one K (--levels)", paper1.beta, paper1.beta_options),
    Kind("paper1-time", "paper 1: time of one l1 solve against m, exact vs dense (--timing CSV "
         "of build/sparse_l1_bench)", paper1.time, paper1.time_options, results=False),
    Kind("paper3-error", "paper 3: ‖X − X̂‖_F/‖X‖_F against bits per method and granularity",
         paper3.error),
    Kind("paper3-residual", "paper 3: the Kashin decomposition's relative residual against the "
         "step, per transform and form", paper3.residual),
    Kind("paper3-factors", "paper 3: histograms of the factors u and v̂ per transform at one "
         "bit-width (--bits) of one tensor (--tensor)", paper3.factors, paper3.factors_options),
    Kind("paper4-error", "paper 4: network test error against the whole network's compression "
         "ratio (--ratio) per method; prints the table", paper4.error, paper4.error_options),
    Kind("paper4-schedule", "paper 4: training loss and test error over the LC / iDC steps, per "
         "run (--levels)", paper4.schedule, paper4.schedule_options),
)}


class OneLineParser(argparse.ArgumentParser):
    """argparse with its errors on one line (exit status 2) instead of a usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message}\n")


def parser(kind, prog="plot.py"):
    """The argument parser of one kind: results files, --out and the kind's options."""
    p = OneLineParser(prog=f"{prog} {kind.name}", description=kind.summary)
    p.add_argument("results", nargs="*" if not kind.results else "+", metavar="RESULTS.h5",
                   help="merged results files (quantlab merge); rows of all are drawn")
    p.add_argument("--out", required=True, metavar="FILE", help="the figure: .png, .pdf or .svg")
    kind.options(p)
    return p


def draw(kind, options):
    """The Figure of `kind` for parsed `options` (options.results: the files)."""
    if not kind.results:
        return kind.draw(None, options)
    with Table(options.results) as table:
        return kind.draw(table, options)


def figure(name, paths, **options):
    """The Figure of kind `name` for the results files `paths`, the options as keywords
    (their defaults otherwise)."""
    kind = KINDS[name]
    arguments = vars(parser(kind).parse_args(list(paths) + ["--out", "unused.png"]))
    arguments.update(options)
    return draw(kind, argparse.Namespace(**arguments))


__all__ = ["KINDS", "Kind", "PlotError", "Table", "draw", "figure", "parser"]
