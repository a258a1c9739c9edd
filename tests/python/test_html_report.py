"""`quantlab report --html`: the page it writes, opened in a headless Chromium (chromium.py).
Its tables sort when a header is clicked, its plots load, it reports no error, it draws
something, and it names the failed runs and the provenance. The checks are first tried on
small handmade pages, a correct one and ones that each check must reject.

Without Chromium these tests are skipped, saying why; in CI (CI set) they fail instead."""
import io
import os
import subprocess

import matplotlib.image
import numpy as np
import pytest

import chromium
import quantlab


def open_page(path):
    try:
        return chromium.Page(path.as_uri())
    except chromium.Unavailable as e:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium for the HTML report's test: {e}")
        pytest.skip(str(e))


# The checks. Each fails with an assertion naming what is wrong.

def assert_no_errors(page):
    reported = ([f"console.{level}: {text}" for level, text in page.console
                 if level in ("error", "assert")]
                + [f"exception: {e}" for e in page.exceptions]
                + [f"failed load: {url}: {error}" for url, error in page.failed_loads])
    assert not reported, "\n".join(reported)


def assert_everything_from(page, folder):
    """Every request the page made was for a file in its folder or inline data."""
    inside = folder.as_uri() + "/"
    outside = [url for url in page.requests.values()
               if not url.startswith((inside, "data:"))]
    assert not outside, f"loaded from outside {folder}: {outside}"


def assert_images_load(page):
    images = page.evaluate("[...document.images].map(i => "
                           "[i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
    assert images, "no <img> on the page"
    broken = [src for src, loaded in images if not loaded]
    assert not broken, f"images that did not load: {broken}"


def assert_not_blank(png):
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    rgb = np.round(pixels[..., :3] * 255).astype(np.uint32).reshape(-1, 3)
    colours = len(np.unique(rgb @ np.array([1 << 16, 1 << 8, 1], np.uint32)))
    drawn = np.mean(np.any(rgb < 250, axis=1))
    assert colours >= 16 and drawn >= 0.01, \
        f"a blank screenshot: {colours} colours, {drawn:.2%} of pixels not white"


TABLES = "[...document.querySelectorAll('table.sortable')]"


def cells(page, table):
    """The text of the table's header cells and of each body row's cells."""
    return page.evaluate(f"""(() => {{
        const t = {TABLES}[{table}];
        const text = row => [...row.cells].map(c => c.textContent.trim());
        return [text(t.tHead.rows[0]), [...t.tBodies[0].rows].map(text)];
    }})()""")


def number(text):
    """The cell's number, or None for text and placeholders of a missing value."""
    try:
        x = float(text)
    except ValueError:
        return None
    return x if np.isfinite(x) else None


def numeric_columns(rows):
    """The columns whose cells are mostly numbers, not all the same."""
    columns = range(len(rows[0]))
    numbers = {c: [number(r[c]) for r in rows] for c in columns}
    return [c for c in columns if sum(x is not None for x in numbers[c]) * 2 > len(rows)
            and len(set(numbers[c]) - {None}) > 1]


def click_header(page, table, column):
    x, y = page.evaluate(f"""(() => {{
        const th = {TABLES}[{table}].tHead.rows[0].cells[{column}];
        th.scrollIntoView({{block: "center"}});
        const r = th.getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2];
    }})()""")
    page.click(x, y)


def assert_tables_sort(page):
    """Clicking a numeric header twice orders the rows by its numbers one way, then the
    other (cells without a number may go anywhere), and keeps each row whole."""
    tables = page.evaluate(f"{TABLES}.length")
    assert tables >= 1, "no table.sortable on the page"
    sorted_columns = 0
    for table in range(tables):
        header, rows = cells(page, table)
        assert rows, f"sortable table {table} has no rows"
        for column in numeric_columns(rows):
            orders = []
            for _ in range(2):
                click_header(page, table, column)
                after = cells(page, table)[1]
                assert sorted(after) == sorted(rows), f"clicking {header[column]} changed rows"
                values = [x for x in (number(r[column]) for r in after) if x is not None]
                orders.append(1 if values == sorted(values) else
                              -1 if values == sorted(values, reverse=True) else 0)
            assert sorted(orders) == [-1, 1], \
                f"clicking {header[column]!r} of table {table} twice did not sort its rows " \
                f"both ways: {values}"
            sorted_columns += 1
    assert sorted_columns, "no sortable table has a numeric column"


def assert_page_is_right(page, folder):
    assert_tables_sort(page)
    assert_images_load(page)
    assert_everything_from(page, folder)
    assert_no_errors(page)
    page.evaluate("window.scrollTo(0, 0)")  # the clicks scrolled to the last header
    assert_not_blank(page.screenshot())


# The checks on handmade pages.

PLOT = ('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="240">'
        '<rect width="480" height="240" fill="#f4f4f8"/>'
        '<polyline points="20,220 140,120 260,80 460,30" fill="none" stroke="#1f77b4" '
        'stroke-width="3"/><text x="30" y="30" font-size="20">mse</text></svg>')

SORT = """
for (const table of document.querySelectorAll("table.sortable"))
  [...table.tHead.rows[0].cells].forEach((th, column) => th.addEventListener("click", () => {
    const up = th.dataset.order !== "up";
    th.dataset.order = up ? "up" : "down";
    const key = row => row.cells[column].textContent.trim();
    const rows = [...table.tBodies[0].rows].sort((a, b) => COMPARE * (up ? 1 : -1));
    table.tBodies[0].append(...rows);
  }));
"""
NUMERIC = "(Number(key(a)) - Number(key(b)) || key(a).localeCompare(key(b)))"
AS_TEXT = "key(a).localeCompare(key(b))"  # "10" before "9": wrong for numbers


def handmade(folder, extra="", compare=NUMERIC, table=True):
    folder.mkdir()
    (folder / "mse.svg").write_text(PLOT)
    rows = "".join(f"<tr><td>{name}</td><td>{bits}</td><td>{mse}</td></tr>" for name, bits, mse
                   in (("kmeans", 2, 0.1175), ("optimal", 10, 0.1166), ("uniform", 9, 0.25),
                       ("kmeans", 100, 0.0095)))
    body = (f'<h1>quickstart</h1><table class="sortable"><thead><tr><th>label</th><th>bits</th>'
            f'<th>mse</th></tr></thead><tbody>{rows}</tbody></table><img src="mse.svg">'
            f'<script>{SORT.replace("COMPARE", compare)}</script>' if table else "")
    (folder / "index.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'>"
                                       f"<title>t</title></head><body>{body}{extra}</body></html>")
    return folder


def test_the_checks_pass_on_a_right_page(tmp_path):
    folder = handmade(tmp_path / "right")
    with open_page(folder / "index.html") as page:
        assert_page_is_right(page, folder)


@pytest.mark.parametrize("page, message", [
    pytest.param(dict(extra="<script>console.error('no data')</script>"),
                 "console.error: no data", id="a console error"),
    pytest.param(dict(extra="<script>null.x</script>"), "exception: TypeError",
                 id="an exception"),
    pytest.param(dict(extra='<img src="gone.svg">'), "images that did not load",
                 id="a missing image"),
    pytest.param(dict(compare=AS_TEXT), "did not sort its rows both ways",
                 id="numbers sorted as text"),
    pytest.param(dict(table=False), "no table.sortable", id="no table"),
])
def test_the_checks_fail_on_a_wrong_page(tmp_path, page, message):
    folder = handmade(tmp_path / "wrong", **page)
    with open_page(folder / "index.html") as opened:
        with pytest.raises(AssertionError, match=message):
            assert_page_is_right(opened, folder)


def test_the_checks_reject_a_failed_load_and_a_file_outside_the_folder(tmp_path):
    (tmp_path / "elsewhere.svg").write_text(PLOT)
    folder = handmade(tmp_path / "page", extra='<img src="../elsewhere.svg"><img src="x.svg">')
    with open_page(folder / "index.html") as page:
        with pytest.raises(AssertionError, match="failed load: .*x.svg"):
            assert_no_errors(page)
        with pytest.raises(AssertionError, match="elsewhere.svg"):
            assert_everything_from(page, folder)


def test_the_checks_reject_a_blank_screenshot(tmp_path):
    with open_page(handmade(tmp_path / "blank", table=False) / "index.html") as page:
        with pytest.raises(AssertionError, match="a blank screenshot"):
            assert_not_blank(page.screenshot())


# The report of a small sweep with failed runs.

SWEEP = """name: report
datasets:
  - {name: gaussian, synthetic: {distribution: gaussian, n: 2048, seed: 1}}
  - {name: laplace, synthetic: {distribution: laplace, n: 2048, seed: 2}}
algorithms:
  - uniform
  - kmeans
  - optimal
  # Two steps are too few for Kashin's decomposition: these runs fail, with the reason recorded.
  - {name: kashin, transform: hadamard, max_iter: 2, on_nonconvergence: fail}
bits: [1, 2, 3]
seeds: [0, 1]
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The sweep's merged results (a DataFrame) and the folder of its HTML report."""
    root = tmp_path_factory.mktemp("report")
    (root / "report.yaml").write_text(SWEEP)
    quantlab_bin = os.environ["QUANTLAB_BIN"]

    def quantlab_cli(*args):
        return subprocess.run([quantlab_bin, *args], cwd=root, capture_output=True, text=True)

    run = quantlab_cli("run", "report.yaml", "--threads", "2", "--out", "results")
    assert run.returncode == 1 and "failed" in run.stdout + run.stderr, run.stdout + run.stderr
    merge = quantlab_cli("merge", "report.yaml", "--out", "results")
    assert merge.returncode == 0, merge.stderr
    html = quantlab_cli("report", "results/report.h5", "--html", "html")
    assert html.returncode == 0, html.stderr
    return quantlab.read_results(root / "results" / "report.h5"), root / "html"


@pytest.fixture(scope="module")
def report_page(report):
    with open_page(report[1] / "index.html") as page:
        yield page


def test_the_report_page_sorts_loads_and_draws_without_errors(report, report_page):
    assert_page_is_right(report_page, report[1])


def text_of(page, element_id):
    text = page.evaluate(f"document.getElementById('{element_id}')?.textContent")
    assert text is not None, f"no element with id {element_id!r}"
    return text


def test_the_report_names_the_failed_runs_and_the_provenance(report, report_page):
    table, _ = report
    failed = table[table.status == "failed"]
    assert len(failed) > 0
    failures = text_of(report_page, "failures")
    unnamed = [(run.run_id, run.error) for _, run in failed.iterrows()
               if run.run_id not in failures or run.error not in failures]
    assert not unnamed, f"failed runs missing from #failures: {unnamed}"
    provenance = text_of(report_page, "provenance")
    for column in ("quantlab_version", "git_commit"):
        for value in table[column].unique():
            assert value in provenance, f"{column} {value!r} not in the provenance section"
