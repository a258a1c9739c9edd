"""Paper 4's figures (learning-compression of networks, configs/paper4/).

paper4-error: the test error against the whole network's compression ratio (fixed-length
codes as the toolkit counts them, or Huffman-coded indices; biases at 32 bits), one line per
method through its K, with the unquantized network's error; it also prints the numbers as a
Markdown table. paper4-schedule: the training loss and the test error of the quantized net
Δ(Θ) over the LC / iDC steps, one line per method and K."""
import numpy as np

from .series import mean_std, split
from .style import REFERENCE, finish, grid, line_style, points, proxy, series_style, seeds_note
from .table import PlotError

RATIOS = {"fixed": "network_compression_ratio_fixed", "huffman": "network_compression_ratio"}
NETWORK = "network runs (a sweep of a `network:` dataset)"
REFERENCE_STYLE = {"color": REFERENCE, "linestyle": (0, (1, 1)), "linewidth": 1.2, "zorder": 2.5}


def error_options(parser):
    parser.add_argument("--ratio", default="fixed", choices=tuple(RATIOS),
                        help="compression ratio with fixed-length codes (default, as the toolkit) "
                             "or with Huffman-coded indices")


def network_rows(table, kind, columns):
    table.require(kind, ["test_accuracy"] + columns, NETWORK)
    return np.flatnonzero(np.isfinite(table["test_accuracy"]))


def print_table(table, rows):
    print("| method | K | seed | ratio (fixed) | ratio (Huffman) | test error % "
          "| before training % | training |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for i in rows:
        direct = table["direct_test_accuracy"][i] if "direct_test_accuracy" in table.columns else np.nan
        seconds = table["training_s"][i] if "training_s" in table.columns else np.nan
        seed = int(table["seed"][i]) if "seed" in table.columns else -1
        print(f"| {table['label'][i]} | {int(table['levels_requested'][i])} | {seed if seed >= 0 else ''} "
              f"| {table['network_compression_ratio_fixed'][i]:.1f} "
              f"| {table['network_compression_ratio'][i]:.1f} "
              f"| {100 * (1 - table['test_accuracy'][i]):.2f} "
              f"| {'' if np.isnan(direct) else f'{100 * (1 - direct):.2f}'} "
              f"| {'' if np.isnan(seconds) else f'{seconds:.0f} s'} |")


# The LC toolkit's README (shared/papers/04): LeNet-300-100, K = 2 per layer on all three
# layers, 2.56 % test error from a reference network at 2.13 %.
TOOLKIT_LOSS = {2: 2.56 - 2.13}


def print_summary(table, rows):
    """Each method and K over its seeds: the test error and, the headline, the loss from the
    unquantized network (points of test error), mean ± std (population std over the seeds;
    runs of different reference networks are never averaged together)."""
    cells = {}
    for i in rows:
        key = (str(table["label"][i]), int(table["levels_requested"][i]),
               float(table["reference_accuracy"][i]))
        cells.setdefault(key, []).append(i)
    print("\n| method | K | ratio (fixed) | seeds | test error % | loss from the reference "
          "(points) | the toolkit's loss |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (label, k, reference), members in cells.items():
        error = 100 * (1 - np.array([table["test_accuracy"][i] for i in members]))
        (e, estd), (loss, lstd) = mean_std(error), mean_std(error - 100 * (1 - reference))
        first = members[0]
        lc_kmeans = table["algorithm"][first] == "kmeans" and "network_training" in table.columns \
            and "method=lc" in str(table["network_training"][first])
        toolkit = TOOLKIT_LOSS.get(k) if lc_kmeans else None
        print(f"| {label} | {k} | {table['network_compression_ratio_fixed'][first]:.1f} "
              f"| {len(members)} | {e:.2f} ± {estd:.2f} | {loss:+.2f} ± {lstd:.2f} "
              f"| {'' if toolkit is None else f'{toolkit:+.2f}'} |")


def error(table, options):
    ratio = RATIOS[options.ratio]
    rows = network_rows(table, "paper4-error", ["network_compression_ratio_fixed",
                                                "network_compression_ratio", "reference_accuracy"])
    print_table(table, rows)
    print_summary(table, rows)
    layout = split(table, rows)
    fig, facets = grid(len(layout.panels))
    for (ax,), panel in zip(facets, layout.panels):
        mine = []
        for i, series in enumerate(layout.series):
            cell = layout.points(panel, series)
            if not cell:
                continue
            stats = sorted((mean_std(table[ratio][r]), mean_std(100 * (1 - table["test_accuracy"][r])))
                           for _, r in cell)
            (x, xerr), (y, yerr) = (np.array(v).T for v in zip(*stats))
            points(ax, x, y, yerr, series_style(i), xerr=xerr)
            mine += [j for _, r in cell for j in r]
        ax.axhline(100 * (1 - table["reference_accuracy"][mine[0]]), **REFERENCE_STYLE)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"compression ratio of the whole network ({options.ratio} codes, 32-bit biases)")
        ax.set_ylabel("test error %")
        ax.set_title(layout.titles[panel])
    entries = [(proxy(series_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    entries.append((proxy(REFERENCE_STYLE), "the unquantized network"))
    return finish(fig, entries, seeds_note(layout.seeds))


def schedule_options(parser):
    parser.add_argument("--levels", type=int, metavar="K", help="only the runs of this K")


def schedule(table, options):
    rows = [i for i in network_rows(table, "paper4-schedule", ["levels_requested"])
            if table.vector(i, "lc_train_loss") is not None]
    if not rows:
        raise PlotError("paper4-schedule needs LC or iDC runs (network: {method: lc} or idc; "
                        "the vector lc_train_loss): none in " + ", ".join(table.paths))
    if options.levels:
        rows = [i for i in rows if table["levels_requested"][i] == options.levels]
        if not rows:
            raise PlotError(f"paper4-schedule --levels {options.levels}: no LC or iDC run has that K")
    layout = split(table, rows, series=("label", "levels_requested"), point=())
    fig, facets = grid(2 * len(layout.panels), columns=2)
    for f, panel in enumerate(layout.panels):
        loss_ax, error_ax = facets[2 * f][0], facets[2 * f + 1][0]
        for i, series in enumerate(layout.series):
            runs = [j for _, r in layout.points(panel, series) for j in r]
            if not runs:
                continue
            for ax, curve in ((loss_ax, lambda j: table.vector(j, "lc_train_loss")),
                              (error_ax, lambda j: 100 * (1 - table.vector(j, "lc_test_accuracy")))):
                curves = [curve(j) for j in runs]
                steps = min(len(c) for c in curves)
                stack = np.array([c[:steps] for c in curves])
                style = line_style(i)
                style["markevery"] = max(1, steps // 6)
                points(ax, np.arange(1, steps + 1), stack.mean(axis=0),
                       stack.std(axis=0) if len(runs) > 1 else None, style)
        for ax, what in ((loss_ax, "training loss, last epoch of the step"),
                         (error_ax, "test error % of the quantized net Δ(Θ)")):
            ax.set_yscale("log")
            ax.set_xlabel(r"step j (LC: $\mu_j = \mu_0 \, a^j$)")
            ax.set_ylabel(what)
            ax.set_title(f"{what.split(',')[0].split(' %')[0]} — {layout.titles[panel]}")
    entries = [(proxy(line_style(i)), layout.names[s]) for i, s in enumerate(layout.series)]
    return finish(fig, entries, seeds_note(layout.seeds))
