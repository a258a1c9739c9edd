"""Paper 3's figures (Kashin quantization, configs/paper3/).

paper3-error: the relative Frobenius error ‖X − X̂‖_F/‖X‖_F against bits per method and
granularity (per-tensor Kashin against per-channel baselines in one panel), one panel per
tensor. paper3-residual: the decomposition's relative residual ‖r‖/‖X‖ against the step, per
transform and form. paper3-factors: histograms of the factors u and v̂ per transform and form,
at one bit-width (default the largest) of one tensor (default the first): the "several
peaks"."""
import numpy as np
from matplotlib import ticker

from .series import mean_std, split
from .style import finish, grid, histogram, line_style, points, proxy, series_style, seeds_note
from .table import PlotError

# The decomposition depends on these parameters only (not on K, the factor quantizer or its
# restarts), so runs that differ in nothing else share one curve.
DECOMPOSITION = ("parameters.transform", "parameters.form")
NOT_DECOMPOSITION = ("levels_requested", "parameters.factors", "parameters.n_init",
                     "parameters.on_nonconvergence")


def error(table, options):
    table.require("paper3-error", ["dataset", "tensor", "label", "bits", "rel_sse"], "a sweep's runs")
    rows = np.flatnonzero(np.isfinite(table["rel_sse"]) & (table["rel_sse"] > 0))
    layout = split(table, rows, series=("label", "granularity"), point=("bits",))
    fig, facets = grid(len(layout.panels))
    for (ax,), panel in zip(facets, layout.panels):
        for i, series in enumerate(layout.series):
            cell = layout.line(panel, series)
            if not cell:
                continue
            stats = [mean_std(np.sqrt(table["rel_sse"][r])) for _, r in cell]
            points(ax, [p[0][0] for p in cell], [m for m, _ in stats], [s for _, s in stats],
                   series_style(i))
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        ax.set_xlabel("bits per weight")
        ax.set_ylabel(r"$\Vert X - \hat{X} \Vert_F \,/\, \Vert X \Vert_F$")
        ax.set_title(layout.titles[panel])
    entries = [(proxy(series_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    return finish(fig, entries, seeds_note(layout.seeds))


def kashin_rows(table, kind, vector):
    table.require(kind, ["algorithm", "parameters"], "Kashin runs")
    rows = [i for i in np.flatnonzero(table["algorithm"] == "kashin")
            if table.vector(i, vector) is not None]
    if not rows:
        raise PlotError(f"{kind} needs kashin runs with the vector {vector}: none in "
                        + ", ".join(table.paths))
    return rows


def one_per_seed(table, rows):
    """A run per seed: the others of the same decomposition repeat it."""
    chosen = {}
    for i in rows:
        chosen.setdefault(table["seed"][i], i)
    return [chosen[s] for s in sorted(chosen)]


def residual(table, options):
    rows = kashin_rows(table, "paper3-residual", "diag_residuals")
    layout = split(table, rows, series=DECOMPOSITION, point=(), ignore=NOT_DECOMPOSITION)
    fig, facets = grid(len(layout.panels))
    seeds = 1
    for (ax,), panel in zip(facets, layout.panels):
        for i, series in enumerate(layout.series):
            runs = one_per_seed(table, [j for _, r in layout.points(panel, series) for j in r])
            if not runs:
                continue
            seeds = max(seeds, len(runs))
            curves = [table.vector(j, "diag_residuals") for j in runs]
            steps = max(len(c) for c in curves)
            # Mean over the seeds whose decomposition is still running at that step.
            stack = np.full((len(curves), steps), np.nan)
            for row, c in zip(stack, curves):
                row[:len(c)] = c
            mean, std = np.nanmean(stack, axis=0), np.nanstd(stack, axis=0)
            style = line_style(i)
            style["markevery"] = max(1, steps // 8)
            points(ax, np.arange(steps), mean, std, style)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        ax.set_xlabel("decomposition step")
        ax.set_ylabel(r"$\Vert r \Vert \,/\, \Vert X \Vert$")
        ax.set_title(layout.titles[panel])
    entries = [(proxy(line_style(i)), layout.names[s])
               for i, s in enumerate(layout.series)]
    return finish(fig, entries, seeds_note(seeds))


def factors_options(parser):
    parser.add_argument("--bits", type=int, help="bits of the runs drawn; default the largest")
    parser.add_argument("--tensor", metavar="NAME",
                        help="the tensor (or dataset:tensor) drawn; default the sweep's first")


def factors(table, options):
    rows = kashin_rows(table, "paper3-factors", "hist_u")
    names = [(str(table["dataset"][i]), str(table["tensor"][i])) for i in rows]
    tensors = list(dict.fromkeys(names))
    if options.tensor:
        wanted = [t for t in tensors if options.tensor in (t[1], f"{t[0]}:{t[1]}")]
        if not wanted:
            raise PlotError(f"paper3-factors --tensor {options.tensor}: the kashin runs are on "
                            + ", ".join(t if t == d else f"{d}:{t}" for d, t in tensors))
        tensor = wanted[0]
    else:
        tensor = tensors[0]
    rows = [i for i, n in zip(rows, names) if n == tensor]
    bits = options.bits or int(max(table["bits"][rows]))
    if bits not in set(table["bits"][rows]):
        raise PlotError(f"paper3-factors --bits {bits}: the kashin runs on {tensor[1]} "
                        f"have bits {', '.join(str(int(b)) for b in sorted(set(table['bits'][rows])))}")
    rows = [i for i in rows if table["bits"][i] == bits]
    layout = split(table, rows, series=DECOMPOSITION, point=(),
                   ignore=NOT_DECOMPOSITION + ("parameters",))
    fig, facets = grid(2 * len(layout.panels), columns=2)
    for f, panel in enumerate(layout.panels):
        for (ax,), factor in zip(facets[2 * f:2 * f + 2], ("u", "v")):
            for i, series in enumerate(layout.series):
                runs = one_per_seed(table, [j for _, r in layout.points(panel, series) for j in r])
                if not runs:
                    continue
                edges = table.vector(runs[0], f"hist_{factor}_edges")
                histogram(ax, table.vector(runs[0], f"hist_{factor}"), edges,
                          0.5 * (edges[:-1] + edges[1:]), i)
            symbol = "u" if factor == "u" else r"$\hat{v}$"
            ax.set_xlabel(f"entries of {symbol} (at the tensor's scale)")
            ax.set_ylabel("count")
            ax.set_title(f"{layout.titles[panel]}: factor {symbol}, {bits} bits")
    entries = [(proxy(series_style(i)), layout.names[s])
               for i, s in enumerate(layout.series)]
    seeded = any(table["seed"][i] >= 0 for i in rows)
    return finish(fig, entries, "one run each: the lowest seed" if seeded else None)
