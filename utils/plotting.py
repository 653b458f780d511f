"""One plot style for every notebook: curves (losses, norms), heatmaps and the repository's figures.

`use_style` runs in every notebook's Setup cell; `plot_curves` first appears in
notebooks/w1a1_rnn_step_by_step.ipynb, section 6 (vanishing gradients); `show_image` in its section 1.
"""

import base64

import matplotlib.pyplot as plt
import numpy as np

from utils.checks import check_array, check_keys, check_shape, check_string
from utils.paths import image_path

STYLE = {
    "figure.figsize": (7.5, 4.0),
    "figure.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
}


def use_style() -> None:
    """Apply the project's matplotlib style (readable, small stored images)."""
    plt.rcParams.update(STYLE)


def plot_curves(curves: dict, xlabel: str, ylabel: str, title: str, x=None, logy: bool = False, ax=None):
    """Plot named 1-D series (e.g. {"train": losses, "validation": val_losses}) on one labelled axis.

    NaN and infinite values are allowed (a diverging run is worth plotting); `x`, when given, must match every series.
    """
    check_keys(curves, [], "curves")
    series = {label: check_array(values, f"curves[{label!r}]", ndim=1, finite=False) for label, values in curves.items()}
    if x is not None:
        x = check_array(x, "x", ndim=1)
        for label, values in series.items():
            check_shape(values, x.shape, f"curves[{label!r}] (one value per x)")
    ax = ax or plt.subplots()[1]
    for label, values in series.items():
        ax.plot(np.arange(1, len(values) + 1) if x is None else x, values, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    return ax


def plot_history(history, metric: str = "loss", title: str | None = None, ax=None):
    """Training and validation curves of one metric from a Keras `History` (or its `.history` dict)."""
    logs = getattr(history, "history", history)
    if metric not in logs:
        raise KeyError(f"metric {metric!r} is not in the history; it has {sorted(logs)}")
    curves = {"train": logs[metric]}
    if f"val_{metric}" in logs:
        curves["validation"] = logs[f"val_{metric}"]
    return plot_curves(curves, "epoch", metric, title or f"{metric} per epoch", ax=ax)


def heatmap(matrix, x_labels=None, y_labels=None, title: str = "", xlabel: str = "", ylabel: str = "",
            cmap: str = "viridis", colorbar: bool = True, ax=None):
    """A labelled heatmap (attention weights, confusion matrices); rows run down, columns across."""
    matrix = check_array(matrix, "matrix", finite=False)
    if matrix.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D matrix, got shape {matrix.shape}")
    ax = ax or plt.subplots()[1]
    image = ax.imshow(matrix, cmap=cmap, aspect="auto")
    for axis, labels, set_ticks in ((1, x_labels, ax.set_xticks), (0, y_labels, ax.set_yticks)):
        if labels is not None:
            if len(labels) != matrix.shape[axis]:
                raise ValueError(f"{len(labels)} labels for an axis of length {matrix.shape[axis]}")
            set_ticks(range(len(labels)), labels)
    ax.grid(False)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    return ax


def show_image(name: str, width: int | None = None):
    """Display a figure from `images/` in JupyterLab, on GitHub and on Colab, before and after the notebook runs.

    An SVG goes out in one output together with its PNG copy (drawn beside it by tools/make_figures.py): a
    trusted notebook shows the SVG, an untrusted one (a fresh clone in JupyterLab, which will not render SVG
    it cannot trust) the PNG. A PNG is shown as it is.
    """
    from IPython.display import Image, display

    path = image_path(check_string(name, "name"))
    if path.suffix == ".png":
        return display(Image(filename=str(path), width=width))
    if path.suffix != ".svg":
        raise ValueError(f"name must be an .svg or .png file in images/, got {name!r}")
    png = base64.b64encode(image_path(path.with_suffix(".png").name).read_bytes()).decode("ascii")
    bundle = {"image/svg+xml": path.read_text(encoding="utf-8"), "image/png": png, "text/plain": f"[figure {name}]"}
    display(bundle, raw=True, metadata={} if width is None else {"image/png": {"width": width}})
