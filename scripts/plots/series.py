"""Splitting runs into panels, series and points without averaging over what tells runs apart.

A kind names the columns of its panels (e.g. dataset, tensor), of its series (label) and of
the points along a series (e.g. levels_requested). The runs of one point may then differ only
in their seed, which is averaged: the data or the granularity that varies inside a panel
makes more panels, and weights, algorithm, parameters not in the label or K that vary inside
a point join the series, so no figure silently averages over them. `parameters.NAME` and
`network_training.NAME` name one resolved parameter as a column."""
import re
from dataclasses import dataclass, field

import numpy as np

# Identity columns a point's runs must agree on, in the order they are tried, and where one
# that varies goes.
VARYING = (("tensor_checksum", "panel"), ("granularity", "panel"), ("weights", "series"),
           ("algorithm", "series"), ("network_training", "series"), ("levels_requested", "series"),
           ("parameters", "series"))
# Values that need no mention in a name.
PLAIN = {"weights": "none", "network_training": "", "granularity": "tensor"}


def parse_parameters(text):
    """'a=1,b=x' as a dict; a value may itself hold commas (a list)."""
    if not text:
        return {}
    return dict(part.split("=", 1) for part in re.split(r",(?=[A-Za-z_][A-Za-z0-9_]*=)", text))


class Columns:
    """The table's columns, and `parameters.NAME` / `network_training.NAME` derived from them."""

    def __init__(self, table, extra=None):
        self.table = table
        self.extra = dict(extra or {})
        self.parsed = {}

    def dicts(self, base):
        if base not in self.parsed:
            self.parsed[base] = [parse_parameters(str(v)) for v in self.table[base]]
        return self.parsed[base]

    def __getitem__(self, name):
        if name in self.extra:
            return self.extra[name]
        if name in self.table.columns:
            return self.table[name]
        base, key = name.split(".", 1)
        return np.array([d.get(key, "") for d in self.dicts(base)], dtype=object)


def hashable(value):
    """A column value as a dict key (NaN as None, numpy scalars as Python's)."""
    if isinstance(value, float) and np.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def keys(columns, names, rows):
    """Row → tuple of the named columns' values."""
    arrays = [columns[n] for n in names]
    return {i: tuple(hashable(a[i]) for a in arrays) for i in rows}


def varies(columns, name, groups):
    """Whether column `name` takes two values inside one of the groups (lists of rows)."""
    values = columns[name]
    return any(len({hashable(values[i]) for i in g}) > 1 for g in groups)


def group_rows(key_of, rows):
    """Rows by their key, in order."""
    out = {}
    for i in rows:
        out.setdefault(key_of[i], []).append(i)
    return out


def granularity_text(granularity, shape):
    """'per tensor', 'per channel' (the last axis, axis=-1), 'per row' (axis 0 of a matrix)
    or 'per axis-N slice'."""
    if granularity in ("tensor", ""):
        return "per tensor"
    m = re.fullmatch(r"axis=(-?\d+)", granularity)
    if not m:
        return granularity
    axis, ndim = int(m.group(1)), len(re.findall(r"\d+", shape or ""))
    if axis == -1 or (ndim and axis == ndim - 1):
        return "per channel"
    if ndim == 2 and axis == 0:
        return "per row"
    return f"per axis-{axis} slice"


@dataclass
class Layout:
    """panels: keys in sweep order, `titles` theirs; series: keys (the optimum first), `names`
    theirs; cells[(panel, series)]: that series' points in the panel, each a (point key, rows)
    pair in sweep order; `seeds`: the most runs any point averages."""
    panels: list = field(default_factory=list)
    series: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    seeds: int = 1

    def points(self, panel, series):
        return self.cells.get((panel, series), [])

    def line(self, panel, series):
        """The points ordered by their (first) point value, as a line draws them."""
        return sorted(self.points(panel, series), key=lambda p: p[0][0])


def part_text(name, value, shape=""):
    """How a panel or series column reads in a title or a legend."""
    if name == "granularity":
        return granularity_text(value, shape)
    if name == "tensor_checksum":
        return f"data {str(value)[:8]}"
    if name == "weights":
        return f"weights: {value}"
    if name == "levels_requested":
        return f"K = {int(value)}"
    if name.startswith(("parameters.", "network_training.")):
        return f"{name.split('.', 1)[1]}={value}"
    return str(value)


def split(table, rows, panel=("dataset", "tensor"), series=("label",), point=("levels_requested",),
          ignore=(), extra=None):
    """The Layout of `rows` (indices into the table). `ignore`: identity columns (or
    `parameters.NAME`) the kind knows do not change what it draws, left out of the check."""
    columns = Columns(table, extra)
    panel, series, point = list(panel), list(series), list(point)
    given = len(series)
    rows = list(rows)
    for name, where in VARYING:
        if name not in table.columns or name in panel + series + point or name in ignore:
            continue
        within = panel if where == "panel" else panel + series + point
        groups = group_rows(keys(columns, within, rows), rows).values()
        if name in ("parameters", "network_training"):
            taken = set(panel + series + point) | set(ignore)
            for key in varying_parameters(columns, name, groups):
                if f"{name}.{key}" not in taken:
                    series.append(f"{name}.{key}")
        elif varies(columns, name, groups):
            (panel if where == "panel" else series).append(name)
    layout = Layout()
    panel_of, series_of, point_of = (keys(columns, c, rows) for c in (panel, series, point))
    optimal = table["algorithm"] == "optimal" if "algorithm" in table.columns else np.zeros(table.rows, bool)
    for i in rows:
        layout.cells.setdefault((panel_of[i], series_of[i]), {}).setdefault(point_of[i], []).append(i)
    layout.panels = list(dict.fromkeys(panel_of[i] for i in rows))
    layout.series = sorted(dict.fromkeys(series_of[i] for i in rows),
                           key=lambda s: not any(optimal[i] for i in rows if series_of[i] == s))
    layout.cells = {k: list(v.items()) for k, v in layout.cells.items()}
    layout.seeds = max(len(r) for cell in layout.cells.values() for _, r in cell)
    shapes = table["shape"] if "shape" in table.columns else np.full(table.rows, "", dtype=object)
    first = {}
    for i in rows:
        first.setdefault(panel_of[i], i)
        first.setdefault(series_of[i], i)
    for key in layout.panels:
        i = first[key]
        title = panel_title(panel, key, shapes[i])
        # A granularity the panels do not split by is still said when it is not the plain one.
        if "granularity" in table.columns and "granularity" not in panel + series \
                and table["granularity"][i] != "tensor":
            title += ", " + granularity_text(table["granularity"][i], shapes[i])
        layout.titles[key] = title
    for key in layout.series:
        layout.names[key] = series_name(series, key, given)
    return layout


def varying_parameters(columns, base, groups):
    """Names of the parameters in column `base` that take two values inside a group."""
    dicts = columns.dicts(base)
    names = []
    for g in groups:
        for name in dict.fromkeys(k for i in g for k in dicts[i]):
            if len({dicts[i].get(name, "") for i in g}) > 1 and name not in names:
                names.append(name)
    return names


def panel_title(names, key, shape):
    """'dataset: tensor' (the dataset alone when the tensor has its name), then the other
    panel columns."""
    parts = []
    values = dict(zip(names, key))
    if "dataset" in values:
        tensor = values.get("tensor")
        parts.append(values["dataset"] if tensor in (None, values["dataset"])
                     else f"{values['dataset']}: {tensor}")
    for name, value in values.items():
        if name not in ("dataset", "tensor"):
            parts.append(part_text(name, value, shape))
    return ", ".join(parts)


def series_name(names, key, given):
    """The kind's own series columns as their values ('kashin, per channel'), then the ones
    added because they vary, as name=value in brackets."""
    own, added = [], []
    for n, (name, value) in enumerate(zip(names, key)):
        if PLAIN.get(name) == value:
            continue
        if n < given:
            own.append(str(value) if name.startswith("parameters.") else part_text(name, value))
        else:
            added.append(part_text(name, value))
    text = ", ".join(own)
    return f"{text} [{', '.join(added)}]" if added else text


def mean_std(values):
    """Mean and standard deviation of a point's values (std 0 for one value)."""
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std()) if len(v) > 1 else 0.0
