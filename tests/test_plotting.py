import numpy as np
import pytest

from tools import notebooks as nbtools
from utils import plotting

NOTEBOOKS = nbtools.notebook_paths()


def test_heatmap_labels_its_axes():
    ax = plotting.heatmap(np.eye(3), x_labels=list("abc"), y_labels=list("xyz"), title="t")
    assert [label.get_text() for label in ax.get_xticklabels()] == list("abc")
    assert ax.get_title() == "t"


def test_heatmap_rejects_wrong_label_count_and_shape():
    with pytest.raises(ValueError, match="2 labels for an axis of length 3"):
        plotting.heatmap(np.eye(3), x_labels=["a", "b"])
    with pytest.raises(ValueError, match="2-D"):
        plotting.heatmap(np.zeros(3))


def test_plot_history_draws_train_and_validation():
    ax = plotting.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]})
    assert [line.get_label() for line in ax.get_lines()] == ["train", "validation"]


def test_plot_history_names_a_missing_metric():
    with pytest.raises(KeyError, match="accuracy"):
        plotting.plot_history({"loss": [1.0]}, metric="accuracy")


def test_show_image_sends_an_svg_with_its_png_copy(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects, **options: shown.append((objects, options)))
    plotting.show_image("lstm_cell.svg")
    (bundle,), options = shown[0]
    assert options["raw"] and {"image/svg+xml", "image/png"} <= set(bundle)


def test_show_image_names_a_missing_figure():
    with pytest.raises(FileNotFoundError, match="no_such_figure.svg"):
        plotting.show_image("no_such_figure.svg")


def test_every_svg_in_images_has_a_png_copy():
    from utils.paths import IMAGES

    assert [svg.name for svg in IMAGES.glob("*.svg") if not svg.with_suffix(".png").exists()] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_no_notebook_stores_an_svg_without_a_png_beside_it(path):
    # An untrusted notebook (a fresh clone in JupyterLab) does not render SVG outputs; with no PNG in the same
    # output it shows only the text, such as "<IPython.core.display.SVG object>".
    svg_only = [i for i, cell in enumerate(nbtools.code_cells(nbtools.read(path))) for output in cell.outputs
                if "image/svg+xml" in output.get("data", {}) and "image/png" not in output["data"]]
    assert svg_only == [], f"code cells {svg_only} show an SVG with no PNG fallback (use utils.plotting.show_image)"


@pytest.mark.parametrize("call, error, message", [
    (lambda: plotting.plot_curves([1, 2], "x", "y", "t"), TypeError, "curves must be a dict"),
    (lambda: plotting.plot_curves({"loss": "abc"}, "x", "y", "t"), TypeError, r"curves\['loss'\]"),
    (lambda: plotting.plot_curves({"loss": [[1, 2]]}, "x", "y", "t"), ValueError, "1 axes"),
    (lambda: plotting.plot_curves({"loss": [1, 2, 3]}, "x", "y", "t", x=[1, 2]), ValueError, "one value per x"),
    (lambda: plotting.heatmap("matrix"), TypeError, "matrix must be a numeric array"),
    (lambda: plotting.show_image(3), TypeError, "name must be a string"),
    (lambda: plotting.show_image("rnn_cell.svg.bak"), FileNotFoundError, "rnn_cell.svg.bak"),
], ids=["curves a list", "a curve of text", "a 2-D curve", "x too short", "text matrix", "a number for the name", "missing"])
def test_bad_input_is_refused_with_an_error_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_diverging_curve_with_nan_is_still_plotted():
    ax = plotting.plot_curves({"loss": [3.0, np.nan, np.inf]}, "x", "y", "t")
    assert len(ax.get_lines()) == 1
