"""The successful runs of one or more results files as one table, for the plot kinds.

Files are concatenated row after row; a run found in several files (the same run id: the
same data, method, K and seed) counts once. A column one file lacks is NaN (numbers) or
empty (text) in its rows. Bad input is a PlotError, which plot.py prints as one line."""
import os

import h5py
import numpy as np

from results import NotResults, RunVectors, load_columns


class PlotError(Exception):
    """Input a figure cannot be drawn from: the message says what is missing."""


def read(path):
    """One results file's columns, every reading problem a PlotError."""
    if not os.path.exists(path):
        raise PlotError(f"{path}: no such file")
    try:
        return load_columns(path)
    except NotResults as e:
        raise PlotError(str(e.code)) from None
    except (OSError, KeyError, ValueError) as e:
        raise PlotError(f"{path} is not a quantlab results file (made by quantlab merge): "
                        f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None


def concatenate(tables):
    """Columns of several tables, in order of first appearance, filled where a table lacks one."""
    names = list(dict.fromkeys(name for t in tables for name in t))
    out = {}
    for name in names:
        present = next(t[name] for t in tables if name in t)
        numeric = present.dtype.kind in "fiu"
        parts = []
        for t in tables:
            rows = len(t["run_id"])
            if name in t:
                parts.append(t[name].astype(float) if numeric else t[name].astype(object))
            else:
                parts.append(np.full(rows, np.nan) if numeric else np.full(rows, "", dtype=object))
        out[name] = np.concatenate(parts)
    return out


class Table:
    """The ok runs of the files: ``columns`` (name → array, one entry a run), ``rows`` (their
    count), ``vector(i, name)`` a run's vector, ``require`` a column a figure needs."""

    def __init__(self, paths):
        if not paths:
            raise PlotError("no results file given")
        self.paths = list(paths)
        tables = [read(p) for p in self.paths]
        for path, t in zip(self.paths, tables):
            t["_file"] = np.full(len(t["run_id"]), self.paths.index(path), dtype=float)
        columns = concatenate(tables)
        _, first = np.unique(columns["run_id"].astype(str), return_index=True)
        keep = np.zeros(len(columns["run_id"]), dtype=bool)
        keep[first] = True
        keep &= columns["status"] == "ok"
        if not keep.any():
            raise PlotError(f"{', '.join(self.paths)}: no successful runs")
        self.columns = {name: values[keep] for name, values in columns.items()}
        self.rows = int(keep.sum())
        self._vectors = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for f, _ in self._vectors.values():
            f.close()
        self._vectors.clear()

    def __getitem__(self, name):
        return self.columns[name]

    def has(self, name):
        """Whether some run has a value in column `name`."""
        values = self.columns.get(name)
        if values is None:
            return False
        return bool(np.isfinite(values).any()) if values.dtype.kind == "f" else bool((values != "").any())

    def require(self, kind, names, what):
        """Stops with a one-line PlotError unless every column of `names` has values;
        `what` says what the kind needs them for (e.g. "network runs")."""
        for name in names:
            if name not in self.columns:
                raise PlotError(f"{kind} needs {what}: {', '.join(self.paths)} has no column '{name}'")
            if not self.has(name):
                raise PlotError(f"{kind} needs {what}: no successful run in "
                                f"{', '.join(self.paths)} has a value of '{name}'")

    def vector(self, i, name):
        """Run i's vector `name` (a numpy array), or None where the run has none."""
        file = int(self.columns["_file"][i])
        if file not in self._vectors:
            f = h5py.File(self.paths[file], "r")
            self._vectors[file] = (f, RunVectors(f))
        return self._vectors[file][1].get(self.columns["run_id"][i], name)
