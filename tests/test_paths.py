import pytest

from utils import paths


def test_root_holds_the_project_folders():
    for folder in (paths.DATA, paths.PRETRAINED, paths.IMAGES, paths.NOTEBOOKS):
        assert folder.is_dir() and folder.parent == paths.ROOT


def test_missing_files_raise_an_error_that_names_them():
    with pytest.raises(FileNotFoundError, match="'no_such_file.txt' is missing"):
        paths.data_path("no_such_file.txt")
    with pytest.raises(FileNotFoundError, match="pretrained/README.md"):
        paths.pretrained_path("nothing.weights.h5")
    with pytest.raises(FileNotFoundError, match="make figures"):
        paths.image_path("nothing.svg")


def test_existing_image_is_found():
    assert paths.image_path("rnn_cell.svg").suffix == ".svg"
