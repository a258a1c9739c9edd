"""How every figure looks: the series' styles, the panel grid, log-axis ticks, the shared
legend and the file formats.

Series take the Okabe–Ito colours (distinguishable with the common colour-vision
deficiencies) and each its own marker shape, fill and line dash too, so that series still
differ in greyscale; markers shrink from series to series and later ones are drawn on top,
so a series lying exactly on another (k-means on the optimum) stays visible inside it."""
import math
import os
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects, ticker  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from .table import PlotError  # noqa: E402

plt.rcParams.update({
    "font.size": 9, "axes.titlesize": 9, "axes.labelsize": 9, "xtick.labelsize": 8,
    "ytick.labelsize": 8, "legend.fontsize": 8, "legend.title_fontsize": 8,
    "axes.grid": True, "axes.grid.which": "both", "grid.alpha": 0.25, "grid.linewidth": 0.6,
    "svg.hashsalt": "quantlab",  # the same figure gives the same file
})

# Okabe & Ito (2008); yellow last, as it is the faintest on white.
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "p", "h", "*")
# Seven dashes against eight colours and twelve markers: no two of the first 56 series share
# colour and dash, none of the first 84 dash and marker (what greyscale leaves).
DASHES = ("-", (0, (5, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (10, 3)),
          (0, (5, 2, 1, 2, 1, 2)), (0, (2, 2)))
YELLOW, YELLOW_RIM = PALETTE[-1], "#8a7800"
REFERENCE = "#555555"  # limits and bounds: grey, no data marker of their own
PANEL = (3.5, 2.75)  # inches per panel; three a row stay within 11 inches
SINGLE = (5.2, 3.6)  # a figure of one panel
WIDTH = 10.8  # inches: the widest figure
COLUMNS = 3
DPI = 150
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
REL_SSE = r"rel_sse = $\Vert x - \hat{x} \Vert^2 \,/\, \Vert x \Vert^2$"


def series_style(i):
    """Plot keywords of series i: colour, marker (hollow for even i, filled for odd), dash,
    a marker smaller than the previous series' and a drawing order above it."""
    color = PALETTE[i % len(PALETTE)]
    hollow = i % 2 == 0
    style = {
        "color": color, "marker": MARKERS[i % len(MARKERS)], "linestyle": DASHES[i % len(DASHES)],
        "markersize": max(3.5, 8.5 - 0.6 * i), "linewidth": 1.3,
        "markerfacecolor": "none" if hollow else color,
        # Yellow needs a dark rim to be seen on white.
        "markeredgecolor": YELLOW_RIM if color == YELLOW else color,
        "markeredgewidth": 1.3 if hollow else 0.8, "zorder": 3 + 0.01 * i,
    }
    if color == YELLOW:  # and its line a dark rim
        style["path_effects"] = [patheffects.Stroke(linewidth=2.0, foreground=YELLOW_RIM),
                                 patheffects.Normal()]
    return style


def line_style(i):
    """series_style with a wider line, for curves of many points (residuals, schedules,
    histograms), which mark only some of their points."""
    style = series_style(i)
    style.update(linewidth=1.5)
    return style


def histogram(ax, counts, edges, centres, i):
    """Counts over bins as steps in series i's colour and dash, its marker on a few of the
    non-empty bins so the series can be told apart without colour."""
    style = line_style(i)
    ax.stairs(counts, edges, color=style["color"], linestyle=style["linestyle"],
              linewidth=style["linewidth"], zorder=style["zorder"],
              path_effects=style.get("path_effects"))
    full = np.flatnonzero(np.asarray(counts) > 0)
    marked = full[i % 3::3]  # every third, shifted per series so markers of two do not stack
    ax.plot(np.asarray(centres)[marked], np.asarray(counts)[marked], linestyle="none",
            **{k: v for k, v in style.items() if k not in ("linestyle", "linewidth", "path_effects")})


def proxy(style):
    """A legend handle drawn like a series of that style."""
    return Line2D([], [], **{k: v for k, v in style.items() if k != "zorder"})


def grid(count, stack=1, height_ratios=None, panel=PANEL, columns=COLUMNS):
    """A figure of `count` facets, at most `columns` a row, wrapped into rows; each facet is
    `stack` axes one above the other (heights in `height_ratios`). Returns the figure and
    each facet's list of axes."""
    if count == 0:
        raise PlotError("nothing to draw")
    cols = min(columns, count)
    rows = math.ceil(count / cols)
    ratios = list(height_ratios or [1] * stack)
    if count == 1:
        panel = SINGLE
    width = panel[0] * cols
    height = panel[1] * rows * sum(ratios) / max(ratios)  # the tallest axes of a facet: panel[1]
    fig = plt.figure(figsize=(width, height))
    spec = fig.add_gridspec(rows * stack, cols, height_ratios=ratios * rows)
    facets = []
    for f in range(count):
        r, c = divmod(f, cols)
        facets.append([fig.add_subplot(spec[r * stack + s, c]) for s in range(stack)])
    return fig, facets


def wrap(text, chars):
    """Text filled to lines of about `chars` characters, never breaking inside $math$."""
    parts = text.split("$")
    protected = "$".join(p.replace(" ", "\0") if i % 2 else p for i, p in enumerate(parts))
    return textwrap.fill(protected, max(12, chars)).replace("\0", " ")


def fit_labels(fig):
    """Wraps each title and axis label that is longer than its axes; True if one was."""
    renderer = fig.canvas.get_renderer()
    changed = False
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        for text, room in ((ax.title, box.width), (ax.xaxis.label, box.width),
                           (ax.yaxis.label, box.height)):
            extent = text.get_window_extent(renderer)
            length = extent.width if text is not ax.yaxis.label else extent.height
            if text.get_text() and length > 1.02 * room:
                chars = int(len(text.get_text()) * room / length)
                text.set_text(wrap(text.get_text(), chars))
                changed = True
    return changed


def short_numbers(axes):
    """Whether every one of these log axes lies between 0.01 and 10^4, where plain numbers
    (0.05, 20, 500) read more easily than powers of ten; one choice for all keeps a figure's
    panels alike."""
    return all(1e-2 <= min(a.get_view_interval()) and max(a.get_view_interval()) <= 1e4 for a in axes)


def log_ticks(axis, base=10, plain=None):
    """At least two labelled major ticks on a log axis, however short its span: powers of the
    base when two are in view, else 1-2-5 (base 10) or 1-1.5 (base 2) multiples of them, else
    every integer multiple, else plain numbers; minor ticks at the other multiples. Labels are
    plain numbers if `plain` (default: the axis lies between 0.01 and 10^4), else powers of
    ten (2×10⁻⁵)."""
    lo, hi = sorted(axis.get_view_interval())
    if not (lo > 0 and np.isfinite(hi)):
        return
    choices = ((1.0,), (1.0, 2.0, 5.0), tuple(range(1, 10))) if base == 10 else ((1.0,), (1.0, 1.5))
    for subs in choices:
        k = np.arange(math.floor(math.log(lo, base)) - 1, math.ceil(math.log(hi, base)) + 1, dtype=float)
        ticks = [s * base ** e for e in k for s in subs
                 if lo * (1 - 1e-9) <= s * base ** e <= hi * (1 + 1e-9)]
        if len(ticks) >= 2:
            axis.set_major_locator(ticker.LogLocator(base=base, subs=subs, numticks=12))
            break
    else:
        ticks = [t for t in ticker.MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
                 if lo <= t <= hi]
        axis.set_major_locator(ticker.FixedLocator(ticks))
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:.3g}"))
        axis.set_minor_locator(ticker.NullLocator())
        return
    if plain is None:
        plain = short_numbers([axis])
    if base == 10 and not plain:
        axis.set_major_formatter(ticker.LogFormatterSciNotation(
            base=10, labelOnlyBase=False, minor_thresholds=(np.inf, np.inf)))
    else:
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    minor = [s for s in (range(2, 10) if base == 10 else (1.25, 1.5, 1.75)) if s not in subs]
    axis.set_minor_locator(ticker.LogLocator(base=base, subs=minor, numticks=12))
    axis.set_minor_formatter(ticker.NullFormatter())


def legend(fig, entries, note, width):
    """The figure's legend below the panels in as many balanced columns as fit `width`
    inches, and its size in inches."""
    handles, labels = zip(*entries)
    renderer = fig.canvas.get_renderer()

    def place(ncol):
        made = fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=ncol,
                          frameon=False, title=note, handlelength=3.2)
        box = made.get_window_extent(renderer)
        return made, box.width / fig.dpi, box.height / fig.dpi

    ncol = len(labels)
    while True:
        made, w, h = place(ncol)
        if w <= 0.97 * width or ncol == 1:
            break
        made.remove()
        ncol -= 1
    balanced = math.ceil(len(labels) / math.ceil(len(labels) / ncol))
    if balanced != ncol:
        made.remove()
        made, w, h = place(balanced)
    return made, w, h


def finish(fig, entries, note=None):
    """Ticks every log axis, puts one legend for all panels below them (`entries`:
    (handle, text) pairs; `note`: the legend's title, e.g. how seeds were averaged). A legend
    that would be tall at the figure's width widens the figure, up to WIDTH), and lays the
    panels out."""
    for which in ("xaxis", "yaxis"):
        logs = [getattr(ax, which) for ax in fig.axes if getattr(ax, which).get_scale() == "log"]
        plain = short_numbers(logs)
        for axis in logs:
            log_ticks(axis, base=getattr(axis.get_transform(), "base", 10), plain=plain)
    for ax in fig.axes:
        ax.grid(True, which="minor", alpha=0.1)
    width, height = fig.get_size_inches()
    legend_height = 0.0
    if entries:
        made, w, h = legend(fig, entries, note, width)
        if h > 0.4 * height and width < WIDTH:
            made.remove()
            made, w, h = legend(fig, entries, note, WIDTH)
            width = max(width, min(WIDTH, w / 0.97))
        legend_height = h + 0.1
    fig.set_size_inches(width, height + legend_height)
    # Titles and labels longer than their axes are wrapped, never clipped at the figure's edge.
    for _ in range(3):
        fig.tight_layout(rect=(0, legend_height / (height + legend_height), 1, 1), h_pad=1.2, w_pad=1.0)
        if not fit_labels(fig):
            break
    return fig


def seeds_note(seeds):
    """The legend's note on averaging, when some point averages several seeds."""
    return f"seeded methods: mean over {seeds} seeds, error bars ± 1 std" if seeds > 1 else None


def format_of(out):
    """The file format `out`'s extension names (.png, .pdf, .svg), else a PlotError."""
    ext = os.path.splitext(out)[1].lower()
    if ext not in FORMATS:
        raise PlotError(f"--out {out}: the extension must be one of {', '.join(FORMATS)}")
    return FORMATS[ext]


def save(fig, out):
    """Writes the figure in the format of `out`'s extension."""
    fmt = format_of(out)
    metadata = {"Date": None} if fmt in ("svg", "pdf") else None  # reproducible files
    fig.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    plt.close(fig)


def points(ax, x, y, yerr, style, xerr=None):
    """A series' points joined in order, with error bars where some point has a spread."""
    def spread(e):
        return e if e is not None and np.nanmax(np.abs(e)) > 0 else None

    ax.errorbar(x, y, yerr=spread(yerr), xerr=spread(xerr), capsize=2, elinewidth=0.8, **style)
