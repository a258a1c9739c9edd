"""Paper 1's figures (sparse least-squares quantization, configs/paper1/).

paper1-loss: the information loss rel_sse = ‖x − x̂‖²/‖x‖² against the levels reached K, per
method, one panel per dataset/tensor. paper1-beta: histograms of the sparse vector's
non-zero gaps β̂_j, j ≥ 2 (between consecutive levels), per penalty at one K, default the
median K of the sweep. paper1-time: from the CSV of `build/sparse_l1_bench --csv FILE`, the
time of one l1 solve against m, exact vs dense coordinate descent; hollow markers are
estimated from the time per sweep."""
import csv

import numpy as np

from .series import mean_std, split
from .style import REL_SSE, finish, grid, histogram, points, proxy, series_style, seeds_note
from .table import PlotError


def loss(table, options):
    table.require("paper1-loss", ["dataset", "tensor", "label", "levels", "rel_sse"], "a sweep's runs")
    rows = np.flatnonzero(np.isfinite(table["rel_sse"]) & (table["rel_sse"] > 0))
    layout = split(table, rows)
    fig, facets = grid(len(layout.panels))
    for (ax,), panel in zip(facets, layout.panels):
        for i, series in enumerate(layout.series):
            cell = layout.line(panel, series)
            if not cell:
                continue
            # x: the levels reached (a sparse run may reach fewer than asked), mean over seeds.
            k = [mean_std(table["levels"][r])[0] for _, r in cell]
            stats = [mean_std(table["rel_sse"][r]) for _, r in cell]
            points(ax, k, [m for m, _ in stats], [s for _, s in stats], series_style(i))
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("K, levels reached")
        ax.set_ylabel(REL_SSE)
        ax.set_title(layout.titles[panel])
    entries = [(proxy(series_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    return finish(fig, entries, seeds_note(layout.seeds))


def beta_options(parser):
    parser.add_argument("--levels", type=int, metavar="K",
                        help="K (levels asked for) of the histograms; default the sweep's median")


def beta(table, options):
    table.require("paper1-beta", ["algorithm", "levels_requested"], "a sweep's runs")
    sparse = np.array([str(a).startswith("sparse_") for a in table["algorithm"]])
    if not sparse.any():
        raise PlotError("paper1-beta needs sparse_* runs (sparse_l1, sparse_l1l2, sparse_l0, "
                        "sparse_cluster): none in " + ", ".join(table.paths))
    ks = sorted(set(table["levels_requested"][sparse]))
    k = options.levels if options.levels else int(ks[len(ks) // 2])
    if k not in ks:
        raise PlotError(f"paper1-beta --levels {k}: the sparse runs have K in "
                        f"{', '.join(str(int(v)) for v in ks)}")
    rows = [i for i in np.flatnonzero(sparse & (table["levels_requested"] == k))
            if table.vector(i, "diag_beta_gaps") is not None]
    if not rows:
        raise PlotError(f"paper1-beta needs the vector diag_beta_gaps: no sparse run at K = {k} has it")
    layout = split(table, rows, point=())
    fig, facets = grid(len(layout.panels))
    for (ax,), panel in zip(facets, layout.panels):
        gaps = {s: [table.vector(i, "diag_beta_gaps") for _, r in layout.points(panel, s) for i in r]
                for s in layout.series}
        every = np.concatenate([g for runs in gaps.values() for g in runs])
        every = every[every > 0]
        if len(every) == 0:
            continue
        bins = np.geomspace(every.min(), every.max() * 1.0001, 30)
        centres = np.sqrt(bins[:-1] * bins[1:])
        for i, series in enumerate(layout.series):
            if not gaps[series]:
                continue
            counts = np.mean([np.histogram(g[g > 0], bins)[0] for g in gaps[series]], axis=0)
            histogram(ax, counts, bins, centres, i)
        ax.set_xscale("log")
        ax.set_xlabel(r"non-zero $\hat\beta_j$, j ≥ 2: the gaps between levels")
        ax.set_ylabel("count" + (" (mean over seeds)" if layout.seeds > 1 else ""))
        ax.set_title(f"{layout.titles[panel]}, K = {k}")
    entries = [(proxy(series_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    return finish(fig, entries)


def time_options(parser):
    parser.add_argument("--timing", metavar="CSV", help="the CSV of build/sparse_l1_bench --csv")


def read_timing(path):
    if not path:
        raise PlotError("paper1-time needs --timing CSV (build/sparse_l1_bench --csv FILE)")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise PlotError(f"--timing {path}: {e.strerror or e}") from None
    need = ("m", "solver", "seconds", "estimated")
    if not rows or any(c not in rows[0] for c in need):
        raise PlotError(f"--timing {path}: not a CSV of build/sparse_l1_bench (needs the "
                        f"columns {', '.join(need)})")
    try:
        return [(int(r["m"]), r["solver"], float(r["seconds"]), r["estimated"] == "1") for r in rows]
    except ValueError as e:
        raise PlotError(f"--timing {path}: {e}") from None


def time(table, options):
    rows = read_timing(options.timing)
    fig, ((ax,),) = grid(1)
    entries = []
    for i, solver in enumerate(dict.fromkeys(r[1] for r in rows)):
        mine = sorted(r for r in rows if r[1] == solver)
        style = series_style(2 * i + 1)  # filled: the measured points
        ax.plot([r[0] for r in mine], [r[2] for r in mine],
                **{k: v for k, v in style.items() if k not in ("marker",)})
        for estimated in (False, True):
            some = [r for r in mine if r[3] == estimated]
            marker = {k: v for k, v in style.items() if k != "linestyle"}
            if estimated:
                marker["markerfacecolor"] = "white"
            ax.plot([r[0] for r in some], [r[2] for r in some], linestyle="none", **marker)
        entries.append((proxy(style), f"sparse_l1 solver: {solver}"))
    entries.append((proxy({"color": "0.3", "marker": "o", "linestyle": "none"}), "measured"))
    entries.append((proxy({"color": "0.3", "marker": "o", "linestyle": "none",
                           "markerfacecolor": "white"}), "estimated from the time per sweep"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("m, distinct values")
    ax.set_ylabel("time of one l1 solve (s)")
    ax.set_title("sparse_l1: exact O(m) solver vs dense coordinate descent")
    return finish(fig, entries)
