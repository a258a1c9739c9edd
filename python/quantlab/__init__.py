"""quantlab from Python: its exact and baseline scalar quantizers on NumPy arrays, dataset
files from any array, sweeps, and their results as pandas DataFrames.

Everything here is generated from quantlab's declarations: ``algorithms()`` lists the
registry (parameters with type, default, range and doc), a ``Result``'s fields are the
result schema's columns (``columns()``), and ``quantize`` is one in-memory run through the
same plan and stages as a sweep's run, so its numbers equal the sweep record's bit for bit.

    import numpy as np, quantlab
    w = np.random.default_rng(0).standard_normal((64, 256)).astype(np.float32)
    r = quantlab.quantize(w, "optimal", levels=16, axis=0)   # a codebook per row
    r.reconstruction.shape, r.mse, r.codebook[:16]
"""
import os as _os
import warnings as _warnings


def _choose_openblas_kernels():
    """OpenBLAS reads OPENBLAS_CORETYPE once, when it loads (with NumPy or quantlab's core), and
    Debian's falls back to slow generic kernels, which also round differently, on CPUs it does
    not know. Unless the variable is given, set it from the CPU's features as the command line
    does; the records and ``provenance()`` say which kernels ran and why. Returns the kernels
    chosen ("" if none)."""
    if "OPENBLAS_CORETYPE" in _os.environ:
        return ""
    from . import _kernels
    core = _kernels.openblas_core_for_this_cpu()
    if core:
        _os.environ["OPENBLAS_CORETYPE"] = core
        _os.environ["QUANTLAB_SET_OPENBLAS_CORETYPE"] = "1"
    return core


_chosen_kernels = _choose_openblas_kernels()

import numpy as _np  # noqa: E402

from . import _core  # noqa: E402

if _chosen_kernels and _core.provenance()["openblas_core"].lower() != _chosen_kernels.lower():
    _warnings.warn(
        f"OpenBLAS was loaded before quantlab (by NumPy or another module) with its own kernels, "
        f"{_core.provenance()['openblas_core']}, not {_chosen_kernels}: results can differ from "
        f"the command line's. Import quantlab first, or export OPENBLAS_CORETYPE={_chosen_kernels}.",
        RuntimeWarning, stacklevel=2)

__all__ = ["algorithms", "columns", "quantize", "Result", "write_dataset", "read_results",
           "read_vectors", "run", "provenance"]


def provenance():
    """What this process's results come from, as a sweep record's provenance columns:
    quantlab's version and commit, compiler, library versions, ``openblas_core`` and
    ``openblas_core_reason`` (the kernels in use and why), host and CPU."""
    return dict(_core.provenance())


def algorithms():
    """Every registered algorithm: name, summary, reference, seeded, parameters (name, type,
    default, allowed, range or choices, doc) and outputs (its alg_/diag_/hist_ columns)."""
    return _core.algorithms()


def columns():
    """Every core result column: name, type, group, unit and doc (``quantlab columns``)."""
    return _core.columns()


class Result:
    """One quantization. ``reconstruction`` has the input's shape (float32 for float32 input,
    float64 otherwise); ``codebook`` holds the groups' codebooks one after the other
    (``group_levels`` codewords each); ``indices`` gives each value's codeword within its
    group's codebook as int32 (int64 beyond 2**31 codewords a group; None when the codewords
    are not scalar levels, as Kashin's). Every column the sweep's record would hold is an
    attribute (``r.mse``, ``r.gap_to_optimal``, ``r.entropy_bits``, ...), and in
    ``r.columns``; the algorithm's own outputs are in ``r.scalars`` and ``r.diagnostics`` by
    name."""

    def __init__(self, raw, like):
        # float32 stays float32; other inputs were computed as float64 and stay so.
        single = like.dtype == _np.float32
        self.reconstruction = raw["reconstruction"].astype(_np.float32) if single else \
            raw["reconstruction"]
        self.codebook = raw["codebook"]
        self.group_levels = raw["group_levels"].astype(_np.int64)
        self.indices = None if raw["indices"] is None else raw["indices"].reshape(like.shape)
        self.columns = {**raw["text"], **raw["numbers"]}
        self.vectors = raw["vectors"]
        self.scalars = {k[4:]: v for k, v in raw["numbers"].items() if k.startswith("alg_")}
        self.diagnostics = {k[5:]: v for k, v in self.vectors.items() if k.startswith("diag_")}

    @property
    def levels(self):
        return int(self.columns["levels"])

    @property
    def converged(self):
        return bool(self.columns["converged"])

    def __getattr__(self, name):
        columns = self.__dict__.get("columns", {})
        if name in columns:
            return columns[name]
        vectors = self.__dict__.get("vectors", {})
        if name in vectors:
            return vectors[name]
        raise AttributeError(
            f"a Result has no field '{name}' (fields: reconstruction, codebook, indices, "
            f"group_levels, scalars, diagnostics, {', '.join(sorted(columns))})")

    def __repr__(self):
        return (f"Result({self.columns.get('label', '?')}, K={self.columns.get('levels_requested')}"
                f", levels={self.levels}, mse={self.columns.get('mse'):.6g}, "
                f"gap_to_optimal={self.columns.get('gap_to_optimal'):.6g})")


def _float_array(x, what):
    a = _np.asarray(x)
    if a.dtype.kind not in "fiu" or a.dtype.kind == "f" and a.dtype.itemsize > 8:
        raise ValueError(f"{what} must hold real numbers, not {a.dtype}")
    return a


def quantize(x, algorithm, *, levels=None, bits=None, weights=None, seed=0, axis=None,
             threads=1, gap_to_optimal=True, identify=False, **parameters):
    """Quantizes ``x`` with ``algorithm`` to ``levels`` (K) or 2**``bits`` codewords.

    ``weights``: positive importance weights of x's shape (divided by their largest, as a
    sweep's). ``seed``: the run's seed (seeded algorithms only). ``axis``: a codebook per
    index along this axis (rows with 0, channels with -1), the groups quantized on ``threads``
    threads with the same result at any count (each group draws from its own generator,
    seeded from the run's in group order, as in a sweep). ``gap_to_optimal``: also compute
    the exact optimum's mse and the gap to it. ``identify``: also give the run's identity
    (``run_id``, ``identity``, ``tensor_checksum``, as a sweep's record of the same data has
    them), at the cost of a SHA-256 pass over x and the weights; otherwise they are None.
    Other keywords are the algorithm's declared parameters (``algorithms()``); an unknown one
    is a ValueError naming the allowed ones.
    """
    a = _float_array(x, "x")
    if (levels is None) == (bits is None):
        raise ValueError("give levels or bits (one of them)")
    if bits is not None:
        if not isinstance(bits, int) or isinstance(bits, bool) or not 0 <= bits <= 30:
            raise ValueError(f"bits must be an integer in [0, 30], not {bits!r}")
        levels = 1 << bits
    if not isinstance(levels, int) or isinstance(levels, bool) or not 1 <= levels <= 1 << 30:
        raise ValueError(f"levels must be an integer in [1, 1073741824], not {levels!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 1 << 63:
        raise ValueError(f"seed must be an integer in [0, 2^63), not {seed!r}")
    if axis is not None and (not isinstance(axis, int) or isinstance(axis, bool)
                             or not -a.ndim <= axis < a.ndim):
        raise ValueError(f"axis {axis!r} does not fit an array of {a.ndim} dimensions")
    if not isinstance(threads, int) or isinstance(threads, bool) or not 1 <= threads <= 1024:
        raise ValueError(f"threads must be an integer in [1, 1024], not {threads!r}")
    single = a.dtype == _np.float32
    values = _np.ascontiguousarray(a, dtype=_np.float64)
    w = None
    if weights is not None:
        w = _np.ascontiguousarray(_float_array(weights, "weights"), dtype=_np.float64)
        if w.shape != a.shape:
            raise ValueError(f"weights have shape {w.shape}, x has {a.shape}")
    raw = _core.quantize(values, single, algorithm, levels, w, seed, axis, threads,
                         bool(gap_to_optimal), bool(identify), parameters)
    return Result(raw, a)


def write_dataset(path, tensors, *, importance=None, source="python", licence="unknown"):
    """Writes a quantlab dataset file (checksums and format attributes included) that a sweep
    reads with ``file: PATH``. ``tensors``: {name: array}; float32 stays float32, other real
    dtypes are stored as float64. ``importance``: {kind: {name: array}}, read by a sweep's
    ``weights: [kind]``."""
    _core.write_dataset(_os.fsencode(path), dict(tensors), dict(importance or {}),
                        {"source": str(source), "licence": str(licence)})


def _parse_value(text):
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_results(path):
    """A merged results file as a pandas DataFrame: every column of the schema, and each
    resolved parameter of the runs' algorithms as a column of its own (named by the
    parameter, or ``param_<name>`` where a result column has that name)."""
    import pandas as pd

    frame = pd.DataFrame(_core.results_columns(_os.fsencode(path)))
    if "parameters" in frame:
        parsed = [dict(item.split("=", 1) for item in text.split(",") if item)
                  for text in frame["parameters"]]
        names = sorted({name for p in parsed for name in p})
        for name in names:
            column = name if name not in frame.columns else "param_" + name
            frame[column] = [_parse_value(p[name]) if name in p else None for p in parsed]
    return frame


def read_vectors(path):
    """A merged results file's vectors, by run id: {run_id: {name: array}} (codebook,
    cluster_sizes, group_levels, time_s, the diag_/hist_ vectors, ...)."""
    return _core.results_vectors(_os.fsencode(path))


def run(config, *, out="results", threads=None, overrides=None):
    """Runs the sweep of the config file ``config`` into ``out`` (skipping runs already
    recorded, as ``quantlab run``), merges it, and returns the merged table (read_results).

    ``overrides``: as on the command line, a list of ``"KEY=VALUE"`` strings
    (``["bits=2,3", "seeds=0..4", "algorithms.kmeans.n_init=5"]``) or a dict
    (``{"bits": [2, 3], "datasets.gaussian.synthetic.n": 10**6}``; a value of None removes the
    key). The records keep the effective config."""
    threads = threads or _os.cpu_count() or 1
    path = _core.run_sweep(_os.fsencode(config), _os.fsencode(out), int(threads),
                           _override_list(overrides))
    return read_results(_os.fsdecode(path))


def _override_list(overrides):
    """The overrides as the command line's bytes (paths as os.fsencode makes them; text that
    is not UTF-8 is then refused by the config's reader, naming the override)."""
    if overrides is None:
        return []
    if isinstance(overrides, str):
        raise ValueError("overrides must be a list of 'KEY=VALUE' strings or a dict, not a string")
    if not isinstance(overrides, dict):
        texts = [str(o) for o in overrides]
    else:
        texts = [f"~{k}" if v is None else f"{k}={_override_value(v)}"
                 for k, v in overrides.items()]
    return [t.encode("utf-8", "surrogateescape") for t in texts]


def _override_value(v):
    """A Python value as an override's text: lists and dicts as JSON (YAML's flow style), a
    string quoted when it would not read back as itself."""
    import json
    if isinstance(v, _np.ndarray):
        v = v.tolist()
    elif isinstance(v, _np.generic):
        v = v.item()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, range, dict)):
        def plain(x):
            if isinstance(x, _np.ndarray):
                return x.tolist()
            if isinstance(x, _np.generic):
                return x.item()
            if isinstance(x, (tuple, range)):
                return list(x)
            raise TypeError(f"an override cannot hold {type(x).__name__}")
        return json.dumps(list(v) if isinstance(v, (tuple, range)) else v, default=plain)
    if isinstance(v, str):
        special = v == "" or v[0] in "[{'\"~" or any(c in v for c in ",\n") or ".." in v
        return json.dumps(v) if special else v
    return str(v)
