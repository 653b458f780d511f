import numpy as np
import pytest

from utils import plotting


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
