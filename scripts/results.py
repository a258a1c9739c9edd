"""Reading quantlab results files (made by `quantlab merge`) from Python.

    import sys; sys.path.insert(0, "scripts")
    from results import load_table
    df = load_table("results/quickstart.h5")   # a pandas DataFrame if pandas is installed

Run with Debian's interpreter, /usr/bin/python3 (python3-h5py, python3-numpy).
"""
import h5py
import numpy as np

FORMAT_VERSION = 4  # of results files; the column table is in results/README.md
# 3: text cells as strings in the table; 2: also each run's vectors in a group of its own
READABLE_VERSIONS = (2, 3, 4)


class NotResults(SystemExit):
    """A file that is not a results file this reader reads: a script that does not catch it
    exits with its one-line message."""


def load_columns(path):
    """The tidy table as a dict of numpy arrays, in the file's column order."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "quantlab-results":
            raise NotResults(f"{path} is not a quantlab results file (made by quantlab merge)")
        version = f.attrs.get("format_version")
        if version not in READABLE_VERSIONS:
            raise NotResults(f"{path}: results format version {version}, this script reads "
                             f"versions {READABLE_VERSIONS} (merge the sweep again)")
        order = f["table"].attrs["columns"].split(",")
        return {name: column(f, name) for name in order}


def column(f, name):
    """One column of an open results file as a numpy array (text as str objects)."""
    data = f["table"][name]
    if h5py.check_string_dtype(data.dtype):  # formats 2 and 3
        return data.asstr()[()]
    if name in f.get("text_values", {}):  # format 4: codes into the column's distinct values
        g = f["text_values"][name]
        raw, cut = g["bytes"][()].tobytes(), g["offsets"][()]
        values = np.empty(len(cut) - 1, dtype=object)
        values[:] = [raw[a:b].decode("utf-8", "surrogateescape") for a, b in zip(cut, cut[1:])]
        codes = data[()]
        if data.dtype != np.uint32 or (codes.size and codes.max() >= len(values)):
            raise NotResults(f"{f.filename}: text column '{name}' has codes that are not its "
                             f"values' (merge the sweep again)")
        return values[codes]
    return data[()]


def load_table(path):
    """The tidy table as a pandas DataFrame (one row per run)."""
    import pandas as pd
    return pd.DataFrame(load_columns(path))


class RunVectors:
    """The runs' vectors (time_s, cluster_sizes, codebook, diag_*, hist_*, lc_*, ...) of an open
    results file: ``vectors.get(run_id, name)`` is a numpy array, or None where the run has
    none. Format 3 keeps, per name, every run's vector one after the other (``values``) and
    where each row's starts (``offsets``, rows + 1 of them); format 2 a group per run."""

    def __init__(self, f):
        self.f = f
        self.version = f.attrs.get("format_version")
        if self.version != 2:
            self.rows = {run: i for i, run in enumerate(column(f, "run_id"))}

    def get(self, run_id, name):
        d = self.f["distributions"]
        if self.version == 2:
            run = d.get(run_id)
            return None if run is None or name not in run else np.asarray(run[name])
        if name not in d or run_id not in self.rows:
            return None
        row = self.rows[run_id]
        start, end = d[name]["offsets"][row:row + 2]
        return np.asarray(d[name]["values"][start:end]) if end > start else None


def load_distribution(path, run_id, name):
    """One run's vector (an empty array where the run has none)."""
    with h5py.File(path, "r") as f:
        v = RunVectors(f).get(run_id, name)
        return np.zeros(0) if v is None else v
