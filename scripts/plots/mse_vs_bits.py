"""mse-vs-bits: a quality metric against bits per method, one panel per dataset/tensor (and
granularity), with the Gaussian Lloyd–Max limit on Gaussian data.

x is log2 K of the K asked for: the bits of a power of two, and K = 3 between 1 and 2 bits
rather than averaged with K = 4. The limit is the population MSE of the K-level optimum
scaled by the data's variance; no fixed-rate scalar quantizer beats it in expectation."""
import numpy as np
from matplotlib import ticker

from .lloyd_max import gaussian_mse
from .series import mean_std, split
from .style import REFERENCE, REL_SSE, finish, grid, points, proxy, series_style, seeds_note
from .table import PlotError

AXIS = {"mse": "mse", "rel_sse": REL_SSE, "sqnr_db": "SQNR (dB)",
        "gap_to_optimal": "gap to the optimum, mse / mse_optimal − 1", "sse": "sse",
        "max_abs_err": r"max $|x - \hat{x}|$"}
LIMITED = ("mse", "rel_sse", "sqnr_db")  # metrics the Lloyd–Max limit is drawn for
LIMIT_STYLE = {"color": REFERENCE, "linestyle": (0, (1, 1)), "linewidth": 1.8, "marker": "x",
               "markersize": 7, "zorder": 2.5}


def options(parser):
    parser.add_argument("--metric", default="mse",
                        help="a numeric column: mse (default), rel_sse, sqnr_db, gap_to_optimal, ...")


def limit(table, rows, metric, levels):
    """The Lloyd–Max limit of `metric` at each K for the panel's data, or None off Gaussian
    data or for weighted runs only."""
    first = rows[0]
    generator = str(table["data_generator"][first]) if "data_generator" in table.columns else ""
    weighted = "weights" in table.columns and all(table["weights"][i] != "none" for i in rows)
    if metric not in LIMITED or not generator.endswith("/ gaussian") or weighted:
        return None
    var, mean = (float(table[c][first]) for c in ("data_var", "data_mean"))
    mse = np.array([var * gaussian_mse(k) for k in levels])
    energy = var + mean * mean  # ‖x‖² / n, rel_sse's denominator (data_var divides by n)
    return {"mse": mse, "rel_sse": mse / energy, "sqnr_db": 10 * np.log10(energy / mse)}[metric]


def draw(table, options):
    metric = options.metric
    table.require("mse-vs-bits", ["dataset", "tensor", "label", "levels_requested"], "a sweep's runs")
    table.require("mse-vs-bits", [metric], f"the --metric column '{metric}'")
    if table[metric].dtype.kind != "f":
        raise PlotError(f"mse-vs-bits --metric {metric}: a text column, not a number")
    rows = np.flatnonzero(np.isfinite(table[metric]))
    layout = split(table, rows)
    fig, facets = grid(len(layout.panels))
    limits = False
    for (ax,), panel in zip(facets, layout.panels):
        here = []
        for i, series in enumerate(layout.series):
            cell = layout.line(panel, series)
            if not cell:
                continue
            stats = [mean_std(table[metric][r]) for _, r in cell]
            ks = [float(table["levels_requested"][r[0]]) for _, r in cell]
            points(ax, np.log2(ks), [m for m, _ in stats], [s for _, s in stats], series_style(i))
            here += [r for _, r in cell]
        panel_rows = [i for r in here for i in r]
        levels = sorted({float(table["levels_requested"][i]) for i in panel_rows})
        reference = limit(table, panel_rows, metric, levels)
        if reference is not None:
            ax.plot(np.log2(levels), reference, **LIMIT_STYLE)
            limits = True
        values = table[metric][panel_rows]
        if metric != "sqnr_db" and (values > 0).all():
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        ax.set_xlabel("bits = log₂ K (K levels asked for)")
        ax.set_ylabel(AXIS.get(metric, metric))
        ax.set_title(layout.titles[panel])
    entries = [(proxy(series_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    if limits:
        entries.append((proxy(LIMIT_STYLE), "Lloyd–Max limit (Gaussian of the data's variance)"))
    return finish(fig, entries, seeds_note(layout.seeds))
