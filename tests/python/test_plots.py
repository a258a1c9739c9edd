"""scripts/plot.py: every kind draws a readable figure from sweeps run through the command
line; series stay apart in colour and in greyscale, log axes keep labelled ticks, runs that
differ in more than their seed are never averaged, and bad input is one line and exit
status 2. Run by the test command with QUANTLAB_BIN the command line."""
import os
import struct
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import plots  # noqa: E402
from plots import lloyd_max, style  # noqa: E402

QUANTLAB = os.environ["QUANTLAB_BIN"]
PLOT = [sys.executable, str(ROOT / "scripts" / "plot.py")]


def quantlab(*args, cwd):
    done = subprocess.run([QUANTLAB, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def sweep(directory, config):
    """Runs and merges the config text in `directory`; the merged file's path."""
    directory.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(config)
    (directory / "sweep.yaml").write_text(text)
    quantlab("run", "sweep.yaml", "--threads", 2, cwd=directory)
    quantlab("merge", "sweep.yaml", cwd=directory)
    name = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:"))
    return directory / "results" / f"{name}.h5"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Merged files of small sweeps: the baselines per tensor and per channel (with seeds),
    weighted runs, sparse and Kashin runs, LC runs on a tiny network, a solver timing CSV."""
    root = tmp_path_factory.mktemp("plots")
    out = {}
    out["baselines"] = sweep(root / "baselines", """
        name: baselines
        datasets:
          - {name: gauss, synthetic: {distribution: gaussian, shape: [16, 64], seed: 1}}
          - {name: laplace, synthetic: {distribution: laplace, shape: [16, 64], seed: 2}}
        algorithms: [optimal, kmeans, {name: uniform, mode: optimal_step}]
        bits: [1, 2, 3]
        seeds: [0, 1]
        granularity: [tensor, channel]
        """)
    # Two files with a dataset of the same name but other data: never one panel.
    out["other-data"] = sweep(root / "other-data", """
        name: other-data
        datasets:
          - {name: gauss, synthetic: {distribution: gaussian, shape: [16, 64], seed: 9}}
        algorithms: [optimal, kmeans]
        bits: [1, 2, 3]
        seeds: [0, 1]
        """)
    # Uniform data at 4-6 levels: the mse spans less than a decade.
    out["short"] = sweep(root / "short", """
        name: short
        datasets:
          - {name: flat, synthetic: {distribution: uniform, n: 3000, seed: 4}}
        algorithms: [optimal]
        levels: [4, 5, 6]
        """)
    data = root / "weighted" / "data.h5"
    data.parent.mkdir()
    quantlab("dataset", "make", data, "--name", "w", "--distribution", "laplace", "--n", 2000,
             "--seed", 5, cwd=root)
    quantlab("dataset", "make", data, "--append", "--name", "importance/hessian/w", "--distribution",
             "uniform", "--n", 2000, "--seed", 6, "--param", "low=0.1", "--param", "high=2", cwd=root)
    out["weighted"] = sweep(root / "weighted", """
        name: weighted
        datasets:
          - {name: w, file: data.h5}
        algorithms: [optimal, {name: ecsq, rate: [1, 2]}]
        bits: [1, 2, 3]
        weights: [none, hessian]
        """)
    out["sparse"] = sweep(root / "sparse", """
        name: sparse
        datasets:
          - {name: g, synthetic: {distribution: laplace, n: 400, seed: 5}}
        algorithms: [sparse_l1, sparse_l0, sparse_cluster, kmeans, optimal]
        levels: [3, 9]
        """)
    out["kashin"] = sweep(root / "kashin", """
        name: kashin
        datasets:
          - {name: w, synthetic: {distribution: student_t, shape: [32, 16], seed: 6}}
        algorithms:
          - {name: kashin, transform: [dct, hadamard]}
          - {name: optimal, granularity: [tensor, channel]}
        bits: [2, 4]
        seeds: [0, 1]
        """)
    out["network"] = network_sweep(root / "network")
    timing = root / "time.csv"
    timing.write_text("m,solver,seconds,estimated,levels,sweeps\n100,exact,1e-6,0,98,\n"
                      "100,dense,0.02,0,98,2000\n1000,exact,1e-5,0,979,\n1000,dense,9000,1,979,9000\n")
    out["timing"] = timing
    return out


def network_sweep(directory):
    """DC and LC on LeNet-300-100 trained for two epochs on ten classes of block images."""
    directory.mkdir()
    rng = np.random.default_rng(21)
    y, x = np.mgrid[0:28, 0:28]
    tensors = {}
    for split, n in (("train", 300), ("test", 100)):
        labels = rng.integers(0, 10, n)
        images = np.empty((n, 28, 28), np.float32)
        for i, label in enumerate(labels):
            by, bx = 2 + 6 * (label // 4), 2 + 6 * (label % 4)
            lit = (y >= by) & (y < by + 6) & (x >= bx) & (x < bx + 6)
            noisy = np.where(lit, 180.0, 30.0) + 200 * rng.standard_normal((28, 28))
            images[i] = np.clip(noisy, 0, 255).round()
        tensors[f"{split}/images"], tensors[f"{split}/labels"] = images, labels.astype(np.float32)
    np.savez(directory / "blocks.npz", **tensors)
    quantlab("dataset", "import", "--format", "npz", "--input", "blocks.npz", "--out", "blocks.h5",
             cwd=directory)
    quantlab("net", "train", "--model", "lenet300", "--data", "blocks.h5", "--out", "net.h5",
             "--epochs", 2, "--batch", 32, "--lr", 0.05, cwd=directory)
    return sweep(directory, """
        name: lc
        datasets:
          - {name: net, network: net.h5, test_data: blocks.h5}
        algorithms:
          - {name: kmeans, label: DC}
          - name: kmeans
            label: LC
            network: {method: lc, steps: 3, epochs: 1, mu0: 0.01, mu_factor: 2, lr: 0.02, batch: 64,
                      train_limit: 200}
        levels: [2, 4]
        seeds: [0, 1]
        """)


# Each kind with the results it is drawn from (None: the timing CSV alone) and its options.
CASES = {
    "mse-vs-bits": ("baselines", []),
    "rate-distortion": ("weighted", []),
    "paper1-loss": ("sparse", []),
    "paper1-beta": ("sparse", []),
    "paper1-time": (None, []),
    "paper3-error": ("kashin", []),
    "paper3-residual": ("kashin", []),
    "paper3-factors": ("kashin", ["--bits", "2"]),
    "paper4-error": ("network", []),
    "paper4-schedule": ("network", []),
}


def command(kind, results, out):
    source, options = CASES[kind]
    inputs = ["--timing", str(results["timing"])] if source is None else [str(results[source])]
    return PLOT + [kind, *inputs, "--out", str(out), *options]


def figure(kind, results, **options):
    source, _ = CASES[kind]
    if source is None:
        return plots.figure(kind, [], timing=str(results["timing"]), **options)
    return plots.figure(kind, [str(results[source])], **options)


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def test_every_kind_is_a_case():
    assert set(CASES) == set(plots.KINDS)


@pytest.mark.parametrize("kind", list(CASES))
def test_every_kind_writes_a_png_of_a_readable_size(kind, results, tmp_path):
    out = tmp_path / f"{kind}.png"
    done = subprocess.run(command(kind, results, out), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    width, height = png_size(out)
    assert 400 <= width <= 1800 and 250 <= height <= 1800, (width, height)


@pytest.mark.parametrize("kind", list(CASES))
def test_every_kind_writes_svg_and_pdf(kind, results, tmp_path):
    svg, pdf = tmp_path / f"{kind}.svg", tmp_path / f"{kind}.pdf"
    style.save(figure(kind, results), str(svg))
    style.save(figure(kind, results), str(pdf))
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.get("width").rstrip("pt")) <= 11 * 72
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("kind", list(CASES))
def test_panels_wrap_at_three_a_row_with_fonts_of_8_points_or_more(kind, results):
    fig = figure(kind, results)
    fig.canvas.draw()
    assert fig.get_figwidth() <= 11
    panels = [ax for ax in fig.axes if ax.has_data()]
    assert panels
    assert len({round(ax.get_position().x0, 3) for ax in panels}) <= 3
    for ax in panels:
        assert ax.get_title() or ax.get_xlabel(), "a panel says what it is"
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]
        assert all(text.get_fontsize() >= 8 for text in texts)
    for legend in fig.legends:
        assert all(t.get_fontsize() >= 8 for t in legend.get_texts())
        # Below the panels: no legend covers data.
        top = legend.get_window_extent().y1
        assert all(top <= ax.get_window_extent().y0 + 1 for ax in panels)


def test_the_palette_keeps_eight_series_apart_in_colour_and_in_greyscale():
    styles = [style.series_style(i) for i in range(12)]
    assert len({s["color"] for s in styles[:8]}) == 8
    assert len({s["marker"] for s in styles}) == 12
    # Without colour: any two of the first seven differ in marker and in dash too.
    assert len({str(s["linestyle"]) for s in styles[:7]}) == 7
    # Hollow and filled markers alternate; each series' marker is smaller than the one
    # before and drawn above it, so one lying on another stays visible inside it.
    assert [s["markerfacecolor"] == "none" for s in styles[:4]] == [True, False, True, False]
    assert all(a["markersize"] > b["markersize"] and a["zorder"] < b["zorder"]
               for a, b in zip(styles[:8], styles[1:8]))


def test_the_okabe_ito_colours_are_used():
    assert [style.series_style(i)["color"] for i in range(8)] == list(style.PALETTE)
    assert set(style.PALETTE) == {"#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00",
                                  "#0072B2", "#CC79A7", "#F0E442"}


def labelled_major_ticks(axis):
    lo, hi = sorted(axis.get_view_interval())
    locs = [v for v in axis.get_major_locator()() if lo <= v <= hi]
    formatter = axis.get_major_formatter()
    formatter.set_locs(locs)
    return [formatter(v) for v in locs if formatter(v)]


def test_a_log_axis_over_less_than_a_decade_has_two_labelled_major_ticks(results):
    fig = plots.figure("mse-vs-bits", [str(results["short"])])
    fig.canvas.draw()
    (ax,) = fig.axes
    lo, hi = ax.get_ylim()
    assert ax.get_yscale() == "log" and hi / lo < 10
    assert len(labelled_major_ticks(ax.yaxis)) >= 2
    assert len(ax.yaxis.get_minorticklocs()) > 0


@pytest.mark.parametrize("limits", [(1.02, 1.08), (0.3, 0.9), (15, 70), (2e-5, 9e-5), (1e-6, 1e-1)])
def test_log_ticks_label_two_major_ticks_at_any_span(limits):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(*limits)
    style.log_ticks(ax.yaxis)
    fig.canvas.draw()
    assert len(labelled_major_ticks(ax.yaxis)) >= 2, limits
    plt.close(fig)


def legend_texts(fig):
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def titles(fig):
    return [ax.get_title().replace("\n", " ") for ax in fig.axes if ax.get_title()]


def test_two_granularities_make_panels_of_their_own(results):
    fig = figure("mse-vs-bits", results)
    assert titles(fig) == ["gauss, per tensor", "gauss, per channel", "laplace, per tensor",
                           "laplace, per channel"]
    assert legend_texts(fig)[:3] == ["optimal", "kmeans", "uniform(mode=optimal_step)"]
    # The Lloyd–Max limit on the Gaussian data, at the data's variance.
    assert "Lloyd–Max limit (Gaussian of the data's variance)" in legend_texts(fig)
    assert "seeds" in fig.legends[0].get_title().get_text()


def test_paper3_puts_the_granularity_in_the_series_and_one_panel_per_tensor(results):
    fig = figure("paper3-error", results)
    assert titles(fig) == ["w"]
    assert {"optimal", "optimal, per channel"} <= set(legend_texts(fig))


def test_weights_join_the_series_instead_of_being_averaged(results):
    fig = plots.figure("mse-vs-bits", [str(results["weighted"])])
    names = legend_texts(fig)
    assert "optimal" in names and "optimal [weights: hessian]" in names
    # ecsq's swept rate is a point on its curve, the weights a curve of their own.
    rd = figure("rate-distortion", results)
    assert {"ecsq", "ecsq [weights: hessian]", "optimal",
            "optimal [weights: hessian]"} <= set(legend_texts(rd))
    assert not any("rate=" in name for name in legend_texts(rd))


def test_other_data_of_the_same_name_makes_a_panel_and_a_run_counts_once(results):
    both = plots.figure("mse-vs-bits", [str(results["baselines"]), str(results["other-data"])])
    gauss_tensor = [t for t in titles(both) if t.startswith("gauss") and "per tensor" in t]
    assert len(gauss_tensor) == 2 and all("data " in t for t in gauss_tensor)
    once = plots.figure("mse-vs-bits", [str(results["baselines"])])
    twice = plots.figure("mse-vs-bits", [str(results["baselines"])] * 2)
    assert twice.legends[0].get_title().get_text() == once.legends[0].get_title().get_text() \
        == "seeded methods: mean over 2 seeds, error bars ± 1 std"
    for a, b in zip(once.axes, twice.axes):
        assert [l.get_ydata().tolist() for l in a.lines] == [l.get_ydata().tolist() for l in b.lines]


def test_the_lloyd_max_limit_is_max_1960():
    assert lloyd_max.gaussian_mse(2) == pytest.approx(0.3634, abs=1e-4)
    assert lloyd_max.gaussian_mse(3) == pytest.approx(0.1902, abs=1e-4)
    assert lloyd_max.gaussian_mse(4) == pytest.approx(0.1175, abs=1e-4)
    assert lloyd_max.gaussian_mse(8) == pytest.approx(0.03455, abs=2e-5)
    # It approaches the Panter–Dite value from below.
    ratios = [lloyd_max.gaussian_mse(k) * k * k / (np.pi * np.sqrt(3) / 2) for k in (16, 64, 256, 1024)]
    assert all(a < b < 1 for a, b in zip(ratios, ratios[1:]))


def run_plot(*args):
    return subprocess.run(PLOT + [str(a) for a in args], capture_output=True, text=True)


def one_line(done):
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unknown_kind_lists_the_kinds(tmp_path):
    line = one_line(run_plot("mse-vs-bit", "r.h5", "--out", tmp_path / "a.png"))
    assert "unknown kind 'mse-vs-bit'" in line and all(kind in line for kind in plots.KINDS)


def test_help_lists_every_kind_with_a_line():
    done = run_plot("--help")
    assert done.returncode == 0
    for name, kind in plots.KINDS.items():
        assert any(line.split()[:1] == [name] and kind.summary in line for line in done.stdout.splitlines())


def test_paper4_error_summarises_the_seeds_as_loss_from_the_reference(results, tmp_path):
    import quantlab
    done = run_plot("paper4-error", results["network"], "--out", tmp_path / "a.png")
    assert done.returncode == 0, done.stderr
    summary = {}
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and cells[3].isdigit():
            summary[(cells[0], int(cells[1]))] = cells
    runs = quantlab.read_results(results["network"])
    assert len(summary) == 4  # DC and LC at K = 2 and 4, two seeds each
    for (label, k), group in runs.groupby(["label", "levels_requested"]):
        error = 100 * (1 - group.test_accuracy.to_numpy())
        loss = error - 100 * (1 - group.reference_accuracy.to_numpy())
        cells = summary[(label, k)]
        assert cells[3] == "2"
        assert cells[4] == f"{error.mean():.2f} ± {error.std():.2f}"
        assert cells[5] == f"{loss.mean():+.2f} ± {loss.std():.2f}"
        assert cells[6] == ("+0.43" if (label, k) == ("LC", 2) else "")


def test_a_kind_whose_columns_are_absent_names_them(results, tmp_path):
    line = one_line(run_plot("paper4-error", results["baselines"], "--out", tmp_path / "a.png"))
    assert "paper4-error needs network runs" in line and "'test_accuracy'" in line
    line = one_line(run_plot("paper3-residual", results["baselines"], "--out", tmp_path / "a.png"))
    assert "kashin runs" in line
    line = one_line(run_plot("mse-vs-bits", results["baselines"], "--metric", "nope",
                             "--out", tmp_path / "a.png"))
    assert "'nope'" in line
    assert not (tmp_path / "a.png").exists()


def test_missing_foreign_and_unwritable_files_are_one_line(results, tmp_path):
    line = one_line(run_plot("mse-vs-bits", tmp_path / "none.h5", "--out", tmp_path / "a.png"))
    assert "none.h5: no such file" in line
    (tmp_path / "text.h5").write_text("not hdf5\n")
    line = one_line(run_plot("rate-distortion", tmp_path / "text.h5", "--out", tmp_path / "a.svg"))
    assert "is not a quantlab results file" in line
    line = one_line(run_plot("mse-vs-bits", results["baselines"], "--out", tmp_path / "a.gif"))
    assert ".png, .pdf, .svg" in line
    line = one_line(run_plot("paper1-time", "--out", tmp_path / "a.png"))
    assert "--timing" in line
    line = one_line(run_plot("mse-vs-bits", "--out", tmp_path / "a.png"))
    assert "RESULTS.h5" in line
    done = run_plot("mse-vs-bits", results["baselines"], "--out", tmp_path / "no" / "a.png")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
