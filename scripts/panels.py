"""Helpers shared by the plot scripts: one panel per tensor of a results table."""
import matplotlib.pyplot as plt

# More methods than matplotlib's 10 default colours.
plt.rcParams["axes.prop_cycle"] = plt.cycler(color=plt.cm.tab20.colors)


def tensor_panels(table, rows):
    """(dataset, tensor) pairs of the selected rows, in sweep order."""
    return list(dict.fromkeys(zip(table["dataset"][rows], table["tensor"][rows])))


def grid(count):
    """A figure with `count` panels, three to a row; the unused ones hidden."""
    columns = min(3, count)
    rows = (count + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(5.4 * columns, 4.2 * rows), squeeze=False)
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    return fig, axes


def save(fig, out):
    """Writes the figure to `out` and says so."""
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")
