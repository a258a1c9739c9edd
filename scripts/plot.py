#!/usr/bin/python3
"""Figures of quantlab results files (made by `quantlab merge`).

    /usr/bin/python3 scripts/plot.py KIND RESULTS.h5 [RESULTS.h5 ...] --out FILE [kind options]

--out's extension chooses the format (.png, .pdf, .svg). The runs of several files are drawn
together. Seeded methods are averaged over their seeds (error bars: ± 1 std); runs that differ
in anything else (granularity, weights, a parameter) are never averaged: they make panels or
series of their own. Bad input (an unknown kind, a missing or foreign file, results without
the columns a kind needs) is one line on stderr and exit status 2; an unwritable --out, 1.
`plot.py KIND --help` lists a kind's options.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plots  # noqa: E402
from plots.style import format_of, save  # noqa: E402

PROG = "plot.py"


def usage():
    width = max(len(name) for name in plots.KINDS)
    lines = [f"  {name:<{width}}  {kind.summary}" for name, kind in plots.KINDS.items()]
    return __doc__.strip() + "\n\nkinds:\n" + "\n".join(lines) + "\n"


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        (sys.stdout if argv else sys.stderr).write(usage())
        return 0 if argv else 2
    name = argv[0]
    if name not in plots.KINDS:
        sys.stderr.write(f"{PROG}: unknown kind '{name}' (kinds: {', '.join(plots.KINDS)})\n")
        return 2
    kind = plots.KINDS[name]
    options = plots.parser(kind, PROG).parse_args(argv[1:])
    try:
        format_of(options.out)
        fig = plots.draw(kind, options)
    except plots.PlotError as e:
        sys.stderr.write(f"{PROG}: {e}\n")
        return 2
    try:
        save(fig, options.out)
    except OSError as e:
        sys.stderr.write(f"{PROG}: cannot write {options.out}: {e.strerror or e}\n")
        return 1
    print(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
