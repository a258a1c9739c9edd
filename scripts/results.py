"""Reading quantlab results files (made by `quantlab merge`) from Python.

    import sys; sys.path.insert(0, "scripts")
    from results import load_table
    df = load_table("results/quickstart.h5")   # a pandas DataFrame if pandas is installed

Run with Debian's interpreter, /usr/bin/python3 (python3-h5py, python3-numpy).
"""
import h5py
import numpy as np

FORMAT_VERSION = 2  # of results files; the column table is in results/README.md


def load_columns(path):
    """The tidy table as a dict of numpy arrays, in the file's column order."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "quantlab-results":
            raise SystemExit(f"{path} is not a quantlab results file (made by quantlab merge)")
        version = f.attrs.get("format_version")
        if version != FORMAT_VERSION:
            raise SystemExit(f"{path}: results format version {version}, this script reads "
                             f"version {FORMAT_VERSION} (merge the sweep again)")
        table = f["table"]
        order = table.attrs["columns"].split(",")
        columns = {}
        for name in order:
            data = table[name]
            columns[name] = data.asstr()[()] if h5py.check_string_dtype(data.dtype) else data[()]
        return columns


def load_table(path):
    """The tidy table as a pandas DataFrame (one row per run)."""
    import pandas as pd
    return pd.DataFrame(load_columns(path))


def load_distribution(path, run_id, name):
    """One run's vector: time_s, cluster_sizes, codebook, ..."""
    with h5py.File(path, "r") as f:
        return np.asarray(f["distributions"][run_id][name])
