"""The Python module: generated from the registry, the same numbers as a sweep, errors as
Python exceptions. Run by the test command (meson test python), with PYTHONPATH at the
build's python/ folder and QUANTLAB_BIN the command line."""
import os
import re
import subprocess

import numpy as np
import pytest

import quantlab


def laplace(shape, seed=0):
    return np.random.default_rng(seed).laplace(size=shape)


def brute_force_optimum(x, k):
    """The least SSE of k contiguous groups of sorted x, by a plain O(k n^2) recursion."""
    v = np.sort(x)
    n = len(v)

    def cost(i, j):
        s = v[i:j]
        return float(((s - s.mean()) ** 2).sum()) if j > i else 0.0

    best = [cost(0, j) for j in range(n + 1)]
    for _ in range(1, k):
        best = [min([best[i] + cost(i, j) for i in range(1, j)] + [best[j]])
                for j in range(n + 1)]
    return best[n]


def test_algorithms_come_from_the_registry():
    listed = subprocess.run([os.environ["QUANTLAB_BIN"], "algorithms"], capture_output=True,
                            text=True, check=True).stdout
    names = [a["name"] for a in quantlab.algorithms()]
    assert names == [line[3:] for line in listed.splitlines()
                     if line.startswith("## ") and line != "## The network block"]
    kmeans = next(a for a in quantlab.algorithms() if a["name"] == "kmeans")
    n_init = next(p for p in kmeans["parameters"] if p["name"] == "n_init")
    assert (n_init["type"], n_init["default"], n_init["range"]) == ("integer", 1, (1, 10000))
    assert kmeans["seeded"] and n_init["doc"]


def test_optimal_is_the_brute_force_optimum_and_the_result_keeps_shape_and_dtype():
    x = laplace((5, 8)).astype(np.float32)
    r = quantlab.quantize(x, "optimal", levels=3)
    assert r.reconstruction.shape == x.shape and r.reconstruction.dtype == np.float32
    assert r.levels == 3 and r.converged and len(r.codebook) == 3
    assert r.sse == pytest.approx(brute_force_optimum(x.ravel().astype(np.float64), 3), rel=1e-12)
    assert r.gap_to_optimal == 0
    # The indices address the codebook; the reconstruction is the codebook at them.
    np.testing.assert_array_equal(r.codebook[r.indices].astype(np.float32), r.reconstruction)
    assert r.mse == pytest.approx(r.sse / x.size)


def test_indices_are_int32_and_address_each_group_codebook():
    # int32 whatever K; the reconstruction is each row's codebook at them.
    x = laplace((3, 400), seed=6)
    for levels in (2, 128, 129, 300):
        r = quantlab.quantize(x, "optimal", levels=levels, axis=0, gap_to_optimal=False)
        assert r.indices.dtype == np.int32
        assert r.indices.min() == 0 and r.indices.max() == levels - 1
        for row in range(3):
            codebook = r.codebook[levels * row:levels * (row + 1)]
            np.testing.assert_array_equal(codebook[r.indices[row]], r.reconstruction[row])


def test_axis_gives_a_codebook_per_row():
    x = laplace((6, 50))
    r = quantlab.quantize(x, "optimal", levels=4, axis=0)
    assert list(r.group_levels) == [4] * 6 and len(r.codebook) == 24
    for row in range(6):
        alone = quantlab.quantize(x[row], "optimal", levels=4)
        np.testing.assert_array_equal(r.codebook[4 * row:4 * row + 4], alone.codebook)
        np.testing.assert_array_equal(r.reconstruction[row], alone.reconstruction)


def test_inputs_are_left_as_they_were_and_indices_address_each_row():
    # float64 input and weights are read from the arrays' own memory: they must come back
    # unchanged, and the indices of each row address that row's codebook.
    x = laplace((7, 60), seed=4)
    w = np.abs(laplace((7, 60), seed=5)) + 0.1
    x0, w0 = x.copy(), w.copy()
    r = quantlab.quantize(x, "optimal", levels=5, axis=0, weights=w)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    assert r.indices.shape == x.shape
    for row in range(7):
        np.testing.assert_array_equal(r.codebook[5 * row:5 * row + 5][r.indices[row]],
                                      r.reconstruction[row])
    # A view that is not contiguous is copied once, with the same result.
    wide = np.zeros((7, 120))
    wide[:, ::2] = x
    np.testing.assert_array_equal(
        quantlab.quantize(wide[:, ::2], "optimal", levels=5, axis=0, weights=w).codebook,
        r.codebook)


def test_groups_on_several_threads_give_the_same_result():
    x = laplace((16, 400), seed=2)
    one = quantlab.quantize(x, "kmeans", levels=8, axis=0, seed=3, threads=1)
    for threads in (2, 5):
        many = quantlab.quantize(x, "kmeans", levels=8, axis=0, seed=3, threads=threads)
        np.testing.assert_array_equal(one.reconstruction, many.reconstruction)
        np.testing.assert_array_equal(one.codebook, many.codebook)
        assert one.sse == many.sse
    with pytest.raises(ValueError, match="threads must be"):
        quantlab.quantize(x, "kmeans", levels=8, threads=0)


def test_equal_weights_give_the_unweighted_result_and_weights_move_the_codebook():
    x = laplace(300)
    plain = quantlab.quantize(x, "optimal", levels=4)
    equal = quantlab.quantize(x, "optimal", levels=4, weights=np.full(300, 0.3))
    np.testing.assert_array_equal(plain.codebook, equal.codebook)
    heavy = np.where(x > 2, 1000.0, 1.0)
    weighted = quantlab.quantize(x, "optimal", levels=4, weights=heavy)
    assert weighted.codebook[-1] > plain.codebook[-1] or weighted.codebook[-1] != plain.codebook[-1]


def test_parameters_are_validated_by_their_declarations():
    x = laplace(100)
    with pytest.raises(ValueError, match=r"unknown parameter 'nope' of kmeans \(allowed: init, "
                                         r"n_init, max_iter, tol\)"):
        quantlab.quantize(x, "kmeans", levels=4, nope=1)
    with pytest.raises(ValueError, match=r"n_init' must be an integer in \[1, 10000\]"):
        quantlab.quantize(x, "kmeans", levels=4, n_init=0)
    with pytest.raises(ValueError, match="must be an integer"):
        quantlab.quantize(x, "kmeans", levels=4, n_init=2.5)
    with pytest.raises(ValueError, match="one of kmeans\\+\\+, random, quantile"):
        quantlab.quantize(x, "kmeans", levels=4, init="best")
    with pytest.raises(ValueError, match="unknown algorithm 'best'"):
        quantlab.quantize(x, "best", levels=4)
    with pytest.raises(ValueError, match="ls2 takes exactly K = 4 levels"):
        quantlab.quantize(x, "ls2", levels=3)
    with pytest.raises(ValueError, match="give levels or bits"):
        quantlab.quantize(x, "kmeans")


def test_bad_data_is_a_value_error():
    with pytest.raises(ValueError, match="NaN or Inf"):
        quantlab.quantize(np.array([1.0, np.nan]), "optimal", levels=2)
    with pytest.raises(ValueError, match="outside \\[1e-100, 1e100\\]"):
        quantlab.quantize(laplace(10) * 1e200, "optimal", levels=2)
    with pytest.raises(ValueError, match="empty"):
        quantlab.quantize(np.array([]), "optimal", levels=2)
    with pytest.raises(ValueError, match="positive finite"):
        quantlab.quantize(laplace(10), "optimal", levels=2, weights=-np.ones(10))
    with pytest.raises(ValueError, match="weights have shape"):
        quantlab.quantize(laplace(10), "optimal", levels=2, weights=np.ones(9))
    with pytest.raises(ValueError, match="real numbers"):
        quantlab.quantize(np.array(["a", "b"]), "optimal", levels=2)


def test_a_seed_fixes_a_seeded_result():
    x = laplace(500)
    a = quantlab.quantize(x, "kmeans", levels=8, seed=3, init="random")
    b = quantlab.quantize(x, "kmeans", levels=8, seed=3, init="random")
    np.testing.assert_array_equal(a.codebook, b.codebook)
    assert a.scalars.keys() >= {"restarts", "total_iterations"}


def test_the_same_numbers_as_a_sweep(tmp_path, monkeypatch):
    # A dataset file from Python, a sweep over it, and quantize() on the same arrays: the
    # run ids (which hash data, parameters, K, seed, granularity and weights) and every
    # number agree exactly. A config's paths are relative to where it runs, as with the CLI.
    monkeypatch.chdir(tmp_path)
    x = laplace((4, 300), seed=7)
    w = np.random.default_rng(8).uniform(0.5, 2.0, size=x.shape)
    quantlab.write_dataset(tmp_path / "d.h5", {"x": x}, importance={"python": {"x": w}})
    (tmp_path / "s.yaml").write_text(
        "name: s\ndatasets: [{name: d, file: d.h5}]\n"
        "algorithms: [optimal, {name: kmeans, n_init: 2}, uniform, kashin]\n"
        "levels: [3, 8]\nseeds: [5]\ngranularity: [tensor, row]\nweights: [none, python]\n")
    table = quantlab.run(tmp_path / "s.yaml", out=tmp_path / "results", threads=2)
    vectors = quantlab.read_vectors(tmp_path / "results" / "s.h5")
    assert len(table) == 4 * 2 * 2 * 2
    assert set(table.loc[table.status != "ok", "algorithm"]) == {"kashin"}  # takes no weights
    assert list(table.loc[table.algorithm == "kmeans", "n_init"].unique()) == [2]
    for _, row in table.iterrows():
        def again():
            return quantlab.quantize(x, row.algorithm, levels=int(row.levels_requested), seed=5,
                                     axis=None if row.granularity == "tensor" else 0,
                                     weights=None if row.weights == "none" else w,
                                     identify=True,
                                     **({"n_init": 2} if row.algorithm == "kmeans" else {}))
        if row.status != "ok":  # the same failure, as a ValueError
            with pytest.raises(ValueError, match=row.error):
                again()
            continue
        r = again()
        assert r.run_id == row.run_id
        for column in ("sse", "mse", "gap_to_optimal", "entropy_bits", "huffman_bits"):
            assert getattr(r, column) == row[column], column
        np.testing.assert_array_equal(r.vectors["codebook"], vectors[row.run_id]["codebook"])


def test_the_run_identity_is_computed_only_when_asked():
    import hashlib
    x = laplace((3, 40))
    plain = quantlab.quantize(x, "uniform", levels=4)
    assert plain.run_id is None and plain.identity is None and plain.tensor_checksum is None
    r = quantlab.quantize(x, "uniform", levels=4, identify=True)
    assert r.tensor_checksum == "sha256:" + hashlib.sha256(x.astype("<f8").tobytes()).hexdigest()
    assert r.run_id == hashlib.sha256(r.identity.encode()).hexdigest()[:16]
    assert r.sse == plain.sse  # the same numbers either way


def test_write_dataset_keeps_float32_and_refuses_what_is_not_data(tmp_path):
    quantlab.write_dataset(tmp_path / "d.h5", {"a/b": np.ones((2, 3), np.float32),
                                               "c": np.arange(4)})
    listed = subprocess.run([os.environ["QUANTLAB_BIN"], "dataset", "ls", str(tmp_path / "d.h5")],
                            capture_output=True, text=True, check=True).stdout
    assert "a/b" in listed and "float32" in listed and "[2, 3]" in listed
    with pytest.raises(ValueError, match="tensor 'bad'"):
        quantlab.write_dataset(tmp_path / "e.h5", {"bad": np.array([1.0, np.inf])})
    with pytest.raises(OSError, match="cannot write"):
        quantlab.write_dataset(tmp_path / "missing" / "e.h5", {"x": np.ones(3)})


def test_results_that_cannot_be_read_are_os_errors(tmp_path):
    (tmp_path / "r.h5").write_bytes(b"not a results file")
    with pytest.raises(OSError, match="r.h5"):
        quantlab.read_results(tmp_path / "r.h5")
    with pytest.raises(OSError):
        quantlab.read_results(tmp_path / "absent.h5")


def test_run_takes_overrides_as_the_command_line_does(tmp_path, monkeypatch):
    # The same runs as the config edited by hand; the records keep the effective config.
    monkeypatch.chdir(tmp_path)
    base = ("name: o\ndatasets:\n  - name: g\n    synthetic: {distribution: gaussian, n: 400, "
            "seed: 1}\nalgorithms: [uniform, kmeans]\nbits: [1]\n")
    (tmp_path / "o.yaml").write_text(base)
    (tmp_path / "edited.yaml").write_text(
        base.replace("n: 400", "n: 300").replace("bits: [1]", "bits: [2, 3]")
            .replace("[uniform, kmeans]", "[uniform, {name: kmeans, n_init: 2}]")
            .replace("name: o", "name: edited") + "seeds: [0, 1]\n")
    edited = quantlab.run("edited.yaml", out="r")
    as_list = quantlab.run("o.yaml", out="r", overrides=[
        "bits=2,3", "seeds=0..1", "datasets.g.synthetic.n=300", "algorithms.kmeans.n_init=2",
        "name=list"])
    as_dict = quantlab.run("o.yaml", out="r", overrides={
        "bits": np.array([2, 3]), "seeds": range(2), "datasets.g.synthetic.n": 300,
        "algorithms": ["uniform", {"name": "kmeans", "n_init": 2}], "name": "dict",
        "description": "a, b: c"})
    key = ["label", "levels_requested", "seed"]
    for table in (as_list, as_dict):
        assert len(table) == len(edited) == 2 * 3
        a, b = (t.sort_values(key).reset_index(drop=True) for t in (table, edited))
        assert list(a.run_id) == list(b.run_id) and list(a.sse) == list(b.sse)
    printed = subprocess.run([os.environ["QUANTLAB_BIN"], "plan", "o.yaml", "bits=2,3",
                              "--print-config"], capture_output=True, text=True, check=True).stdout
    assert "bits:\n  - 2\n  - 3\n" in printed and "levels" not in printed
    with pytest.raises(ValueError, match="unknown key 'bitz'"):
        quantlab.run("o.yaml", out="r", overrides=["bitz=3"])


def test_a_config_that_does_not_fit_its_data_is_a_value_error(tmp_path, monkeypatch):
    # Found at plan time, not in the file: the same data under two names, a missing tensor.
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "w.npy", laplace(20))
    np.save(tmp_path / "v.npy", laplace(20))
    for datasets, message in (
            ("  - {name: a, file: w.npy}\n  - {name: b, file: v.npy}\n", "the same data"),
            ("  - {name: a, file: w.npy, tensors: [nothing]}\n", "no tensor")):
        (tmp_path / "c.yaml").write_text(f"name: c\ndatasets:\n{datasets}"
                                         "algorithms: [optimal]\nlevels: [2]\n")
        with pytest.raises(ValueError, match=message):
            quantlab.run(tmp_path / "c.yaml", out=tmp_path / "results")
    with pytest.raises(OSError, match="absent.yaml"):
        quantlab.run(tmp_path / "absent.yaml", out=tmp_path / "results")


def safetensors_bytes(tensors):
    """A safetensors file written from its specification (8-byte header length, JSON header,
    data), so that the test needs no safetensors package."""
    import json
    header, data = {}, b""
    for name, a in tensors.items():
        dtype = {np.dtype("float32"): "F32", np.dtype("float64"): "F64",
                 np.dtype("float16"): "F16"}[a.dtype]
        raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + data


def test_model_files_are_read_as_they_are(tmp_path, monkeypatch):
    # .npy (C and Fortran order), .npz (numpy.savez and savez_compressed), safetensors and an
    # h5py file, as researchers have them: a sweep reads each directly, and its runs equal
    # quantize() on the arrays numpy holds.
    import h5py
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    conv = rng.standard_normal((4, 3, 5)).astype(np.float32)
    fc = np.asfortranarray(rng.standard_normal((6, 7)))
    fc2 = np.asfortranarray(rng.standard_normal((3, 8)))  # a sweep refuses the same data twice
    half = rng.standard_normal(50).astype(np.float16)
    bias, emb = rng.standard_normal(9), rng.standard_normal((5, 4)).astype(np.float32)
    np.save("conv.npy", conv)
    np.save("fc.npy", fc)
    np.savez("stored.npz", bias=bias)
    np.savez_compressed("deflated.npz", emb=emb)
    (tmp_path / "m.safetensors").write_bytes(safetensors_bytes({"fc": fc2, "half": half}))
    with h5py.File("keras.h5", "w") as f:
        f.create_dataset("model_weights/dense/kernel:0", data=conv[::-1] * 2)
        f.create_dataset("optimizer/iterations", data=np.int64(3))
    (tmp_path / "s.yaml").write_text(
        "name: s\ndatasets:\n"
        "  - {name: conv, file: conv.npy}\n  - {name: fc, file: fc.npy}\n"
        "  - {name: st, file: m.safetensors}\n  - {name: keras, file: keras.h5}\n"
        "  - {name: stored, file: stored.npz}\n  - {name: deflated, file: deflated.npz}\n"
        "algorithms: [optimal]\nlevels: [4]\n")
    table = quantlab.run("s.yaml", threads=2)
    arrays = {("conv", "conv"): conv, ("fc", "fc"): fc, ("st", "fc"): fc2, ("st", "half"): half,
              ("keras", "model_weights/dense/kernel:0"): conv[::-1] * 2,
              ("stored", "bias"): bias, ("deflated", "emb"): emb}
    assert sorted(zip(table.dataset, table.tensor)) == sorted(arrays)
    for _, row in table.iterrows():
        a = arrays[(row.dataset, row.tensor)]
        r = quantlab.quantize(a.astype(np.float32) if a.dtype == np.float16 else a, "optimal",
                              levels=4)
        assert row.status == "ok" and row.sse == r.sse and row["shape"] == r.shape


def test_dataset_import_of_model_files(tmp_path):
    np.save(tmp_path / "w.npy", np.arange(12, dtype=np.float64).reshape(3, 4) + 0.5)
    (tmp_path / "m.safetensors").write_bytes(
        safetensors_bytes({"a": np.ones(3, np.float32), "b": np.full(2, 0.5, np.float16)}))
    bin_ = os.environ["QUANTLAB_BIN"]
    for fmt, name in (("npy", "w.npy"), ("safetensors", "m.safetensors")):
        subprocess.run([bin_, "dataset", "import", "--format", fmt, "--input", str(tmp_path / name),
                        "--out", str(tmp_path / (fmt + ".h5"))], check=True, capture_output=True)
    def listed(name):
        out = subprocess.run([bin_, "dataset", "ls", str(tmp_path / name)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[1:]
        return {m.group(1): m.group(2, 3, 4) for m in
                (re.match(r"(\S+)\s+(\[[^\]]*\])\s+(\S+)\s+(\d+)", line) for line in out)}
    assert listed("safetensors.h5") == {"a": ("[3]", "float32", "3"),
                                        "b": ("[2]", "float32", "2")}
    assert listed("npy.h5") == {"w": ("[3, 4]", "float64", "12")}
    (tmp_path / "bad.npy").write_bytes(b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'}")
    bad = subprocess.run([bin_, "dataset", "import", "--format", "npy", "--input",
                          str(tmp_path / "bad.npy"), "--out", str(tmp_path / "bad.h5")],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "bad.npy" in bad.stderr and bad.stderr.count("\n") == 1
    assert not (tmp_path / "bad.h5").exists()


def expected_kernels():
    """The kernels quantlab should choose, from /proc/cpuinfo's flags (not from quantlab)."""
    with open("/proc/cpuinfo") as f:
        flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    if all(f in flags for f in ("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl")):
        return "SkylakeX"
    return "Haswell" if "avx2" in flags and "fma" in flags else ""


def kernels_in_a_fresh_interpreter(code, **environment):
    """(openblas_core, openblas_core_reason, stderr) of a new interpreter running `code`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "QUANTLAB_SET_OPENBLAS_CORETYPE")}
    env.update(environment)
    done = subprocess.run(
        ["/usr/bin/python3", "-c", code + "\np = quantlab.provenance()\n"
         "print(p['openblas_core']); print(p['openblas_core_reason'])"],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    core, reason = done.stdout.splitlines()[-2:]
    return core, reason, done.stderr


def test_import_chooses_the_openblas_kernels_from_the_cpu_and_says_when_too_late():
    expected = expected_kernels()
    core, reason, _ = kernels_in_a_fresh_interpreter("import quantlab")
    if core == "not OpenBLAS":
        pytest.fail("quantlab's core is not linked to OpenBLAS")
    if not expected:
        assert reason.startswith("OpenBLAS's own choice")
        return
    assert core == expected
    assert reason == "chosen by quantlab from the CPU's features"
    # NumPy first loads OpenBLAS with its own choice: quantlab says so, in the record and aloud.
    core, reason, stderr = kernels_in_a_fresh_interpreter("import numpy\nimport quantlab")
    if core.lower() != expected.lower():
        assert "was set after OpenBLAS loaded" in reason
        assert "RuntimeWarning: OpenBLAS was loaded before quantlab" in stderr
        assert f"export OPENBLAS_CORETYPE={expected}" in stderr
    # Kernels given are kept.
    core, reason, _ = kernels_in_a_fresh_interpreter("import quantlab", OPENBLAS_CORETYPE="Haswell")
    assert core == "Haswell" and reason == "OPENBLAS_CORETYPE=Haswell given"


def test_text_that_is_not_utf8_reads_back_as_its_bytes(tmp_path, monkeypatch):
    # A config cannot hold such bytes (it must be UTF-8), but a results file from elsewhere
    # can: its cells decode as os.fsdecode does, to the same str as scripts/results.py gives.
    import hashlib
    import sys
    import h5py
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
    import results
    monkeypatch.chdir(tmp_path)
    (tmp_path / "u.yaml").write_text(
        "name: u\ndatasets:\n  - name: g\n    synthetic: {distribution: gaussian, n: 50, "
        "seed: 1}\nalgorithms: [{name: uniform, label: caf_e}]\nbits: [1]\n")
    path = tmp_path / "r" / "u.h5"
    quantlab.run("u.yaml", out="r")
    block = 512  # the sealed file's user block: its first line holds the image's SHA-256
    with h5py.File(path, "r+") as f:
        text = f["text_values"]["label"]["bytes"]
        raw = text[()].tobytes()
        text[...] = np.frombuffer(raw.replace(b"caf_e", b"caf\xe9e"), dtype=np.uint8)
    image = path.read_bytes()
    digest = hashlib.sha256(image[block:]).hexdigest().encode()
    seal = b"quantlab-sealed sha256 " + digest + b"\n"
    path.write_bytes(seal + b"\0" * (block - len(seal)) + image[block:])
    label = quantlab.read_results(path)["label"][0]
    assert label == "caf\udce9e" and label.encode("utf-8", "surrogateescape") == b"caf\xe9e"
    assert results.load_table(path)["label"][0] == label


def test_paths_need_not_be_utf8_and_overrides_that_are_not_are_value_errors(tmp_path):
    # A folder named by bytes that are not UTF-8 (os.fsdecode's str for it): run, merge and
    # read there as anywhere.
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    (folder / "o.yaml").write_text(
        "name: o\ndatasets:\n  - name: g\n    synthetic: {distribution: gaussian, n: 100, "
        "seed: 1}\nalgorithms: [uniform]\nbits: [1]\n")
    table = quantlab.run(folder / "o.yaml", out=folder / "r", threads=1)
    assert len(table) == 1 and table["status"][0] == "ok"
    assert len(quantlab.read_vectors(folder / "r" / "o.h5")) == 1
    with pytest.raises(ValueError, match="override 1 of 1 is not UTF-8 text"):
        quantlab.run(folder / "o.yaml", out=folder / "r", overrides=["description=\udcff"])
