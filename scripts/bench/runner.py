#!/usr/bin/python3
"""Runner benchmark: runs per second for a sweep of many small runs, and where the time goes.

    meson compile -C build
    /usr/bin/python3 scripts/bench/runner.py [--config configs/bench/runner.yaml] [--repeat 3]

Runs the config (by default 2,000 runs of n = 1,000) from an empty results folder with
--threads 1 and 2, interleaved, --repeat times each, and prints one Markdown table: the
runs' wall time and runs/second (the repetition of median wall time; the process's start and
the plan apart), the seconds summed over the threads in each stage (measuring the run, the optimum
reference, encoding and writing its record), then the bytes per record and the time of
status and merge of the whole sweep. OpenBLAS runs one thread in every run (the command line
starts it so), as the table says.

The last line also gives what the machine itself allows: two single-thread `quantlab run`
processes of the same config side by side, each in a results folder of its own (their runs
per second summed, against one process alone). On a shared VM that ceiling varies from one
minute to the next, so the two ratios are measured interleaved and are to be read together.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUANTLAB = os.path.join(ROOT, "build", "quantlab")
STAGES = re.compile(r"stage seconds \(summed over (\d+) threads\): measure ([\d.]+), optimum "
                    r"([\d.]+), record ([\d.]+); (\d+) runs in ([\d.]+) s of wall time")


def timed(*args):
    start = time.perf_counter()
    out = subprocess.run([QUANTLAB, *args], check=True, cwd=ROOT, capture_output=True,
                         text=True).stdout
    return time.perf_counter() - start, out


def stage_times(text):
    m = STAGES.search(text)
    if not m:
        sys.exit("quantlab run printed no stage times:\n" + text)
    return dict(measure=float(m[2]), optimum=float(m[3]), record=float(m[4]), runs=int(m[5]),
                wall=float(m[6]))


def side_by_side(config, scratch):
    """Runs/second of two single-thread processes of the config at once, summed."""
    outs = [os.path.join(scratch, f"p{i}") for i in (0, 1)]
    for out in outs:
        shutil.rmtree(out, ignore_errors=True)
    procs = [subprocess.Popen([QUANTLAB, "run", config, "--out", out, "--threads", "1",
                               "--stage-times"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
             for out in outs]
    rates = []
    for proc in procs:
        text, _ = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"quantlab run exited with {proc.returncode}")
        row = stage_times(text)
        rates.append(row["runs"] / row["wall"])
    return sum(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/bench/runner.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    config = os.path.join(ROOT, args.config)
    scratch = tempfile.mkdtemp(prefix="quantlab-runner-bench-")
    rows = {1: [], 2: []}
    pairs = []
    try:
        for _ in range(args.repeat):
            for threads in (1, 2):
                out = os.path.join(scratch, f"t{threads}")
                shutil.rmtree(out, ignore_errors=True)
                total, text = timed("run", config, "--out", out, "--threads", str(threads),
                                    "--stage-times")
                rows[threads].append(dict(stage_times(text), total=total))
            pairs.append(side_by_side(config, scratch))
        out = os.path.join(scratch, "t2")
        runs_folder = [os.path.join(dp, f) for dp, _, fs in os.walk(out) for f in fs
                       if f.endswith(".records")]
        record_bytes = sum(os.path.getsize(f) for f in runs_folder)
        status_s, _ = timed("status", config, "--out", out)
        merge_s, _ = timed("merge", config, "--out", out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    best = {t: sorted(r, key=lambda row: row["wall"])[len(r) // 2] for t, r in rows.items()}
    runs = best[1]["runs"]
    print(f"{os.path.relpath(config, ROOT)}: {runs} runs, OpenBLAS threads per run: 1, "
          f"median of {args.repeat}\n")
    print("| threads | runs' wall s | runs/s | measure s | optimum s | record s | "
          "whole command s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for threads in (1, 2):
        r = best[threads]
        print(f"| {threads} | {r['wall']:.3f} | {r['runs'] / r['wall']:.0f} | {r['measure']:.3f} "
              f"| {r['optimum']:.3f} | {r['record']:.3f} | {r['total']:.2f} |")
    ceiling = sorted(pairs)[len(pairs) // 2] * best[1]["wall"] / runs
    print(f"\n2 threads / 1 thread: {best[1]['wall'] / best[2]['wall']:.2f}x (two 1-thread "
          f"processes side by side / one alone: {ceiling:.2f}x); "
          f"{record_bytes / runs:.0f} bytes per record ({len(runs_folder)} record log(s)); "
          f"status {status_s:.2f} s, merge {merge_s:.2f} s of the {runs} runs")


if __name__ == "__main__":
    main()
