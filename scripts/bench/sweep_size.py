#!/usr/bin/python3
"""Plans, status and merges of large sweeps: seconds and peak memory of each command.

    meson compile -C build
    /usr/bin/python3 scripts/bench/sweep_size.py [--runs 100000] [--repeat 3] [--keep DIR]
                                                 [--quantlab BINARY]

Writes a sweep of --runs runs (Gaussian datasets of n = 100 × kmeans × bits 1–4 × seeds;
25 seeds, so 1,000 datasets for 10^5 runs), runs it once with --threads 2, then times
`plan`, `status` and `merge` --repeat times each, interleaved, and prints one Markdown table
of the median and range of their wall times, their CPU time (all threads) and their peak
resident memory (the process's own, from wait4). The records' and the merged file's sizes are printed beside it. --quantlab
times another build's binary on the same sweep (a before/after pair, with --keep).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUANTLAB = [os.path.join(ROOT, "build", "quantlab")]
SEEDS = 25
BITS = 4


def config_text(runs):
    datasets = max(1, runs // (SEEDS * BITS))
    lines = ["name: sweep-size", "datasets:"]
    lines += [f"  - {{name: g{i}, synthetic: {{distribution: gaussian, n: 100, seed: {i}}}}}"
              for i in range(1, datasets + 1)]
    lines += ["algorithms: [kmeans]", f"bits: [{', '.join(str(b) for b in range(1, BITS + 1))}]",
              f"seeds: [{', '.join(str(s) for s in range(SEEDS))}]"]
    return "\n".join(lines) + "\n", datasets * SEEDS * BITS


def measured(args, cwd):
    """Wall seconds, CPU seconds (user + system, all threads) and peak resident MB of one
    quantlab command."""
    start = time.perf_counter()
    proc = subprocess.Popen([QUANTLAB[0], *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"quantlab {' '.join(args)} failed:\n{proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def size_mb(path):
    if os.path.isfile(path):
        return os.path.getsize(path) / 1e6
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs) / 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=100000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--keep", help="a folder to keep the sweep in (reused when it holds it)")
    p.add_argument("--quantlab", default=QUANTLAB[0], help="the binary to time")
    a = p.parse_args()
    QUANTLAB[0] = os.path.abspath(a.quantlab)
    work = a.keep or tempfile.mkdtemp(prefix="quantlab-sweep-size-")
    os.makedirs(work, exist_ok=True)
    try:
        text, runs = config_text(a.runs)
        config = os.path.join(work, "sweep-size.yaml")
        with open(config, "w") as f:
            f.write(text)
        run_s, _, run_mb = measured(["run", config, "--out", "out", "--threads", "2"], work)
        commands = {"plan": ["plan", config, "--out", "out"],
                    "status": ["status", config, "--out", "out"],
                    "merge": ["merge", config, "--out", "out"]}
        times = {name: [] for name in commands}
        cpu = {name: [] for name in commands}
        peaks = {name: 0.0 for name in commands}
        for _ in range(a.repeat):
            for name, args in commands.items():
                wall, seconds, mb = measured(args, work)
                times[name].append(wall)
                cpu[name].append(seconds)
                peaks[name] = max(peaks[name], mb)
        print(f"{runs} runs (n = 100, kmeans, bits 1-{BITS}, {SEEDS} seeds), run once with "
              f"--threads 2 in {run_s:.1f} s at {run_mb:.0f} MB; records "
              f"{size_mb(os.path.join(work, 'out', 'sweep-size', 'runs')):.0f} MB, merged file "
              f"{size_mb(os.path.join(work, 'out', 'sweep-size.h5')):.0f} MB; "
              f"{a.repeat} repetitions, interleaved")
        print("| command | median s | range s | CPU s (median) | peak MB |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name in commands:
            t, c = sorted(times[name]), sorted(cpu[name])
            print(f"| {name} | {t[len(t) // 2]:.2f} | {t[0]:.2f}-{t[-1]:.2f} | "
                  f"{c[len(c) // 2]:.2f} | {peaks[name]:.0f} |")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
