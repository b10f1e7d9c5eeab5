"""The trusted twin: the course's own class where the course has its solutions, a copy of the local
model in a student's own run (no solutions/ folder), and a clear error otherwise."""

import pytest
import torch

from gradekit.checks import twins
from gradekit.harness import importer
from gradekit.harness.importer import MissingModuleError


def test_without_solutions_a_local_model_is_copied(monkeypatch, tmp_path):
    monkeypatch.setattr(importer.STATE, "course_root", tmp_path)  # a course with no solutions/ folder
    model = torch.nn.Linear(3, 2)
    twin = twins.course_model(model, "q7.training", "SmallCNN")
    assert twin is not model and isinstance(twin, torch.nn.Linear)
    assert torch.equal(twin.weight, model.weight)


def test_without_solutions_a_remote_model_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(importer.STATE, "course_root", tmp_path)
    with pytest.raises(MissingModuleError, match="no solutions/ folder"):
        twins.course_model(object(), "q7.training", "SmallCNN")


def test_with_solutions_the_reference_class_is_built(monkeypatch, tmp_path):
    (tmp_path / "solutions" / "q9").mkdir(parents=True)
    (tmp_path / "solutions" / "q9" / "nets.py").write_text(
        "import torch\n\nclass Net(torch.nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
        "        self.fc = torch.nn.Linear(n, 1)\n"
    )
    monkeypatch.setattr(importer.STATE, "course_root", tmp_path)
    twin = twins.course_model(torch.nn.Linear(3, 2), "q9.nets", "Net", 5)
    assert type(twin).__name__ == "Net" and twin.fc.in_features == 5
