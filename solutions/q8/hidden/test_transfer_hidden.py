"""Hidden tests of q8.5-q8.8: a two-class head, batch norm that trains once unfrozen, one label per class, ties."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import backbone, probes
from gradekit.checks import q8 as checks_q8
from gradekit.probes import q8 as probes_q8
from gradekit.testing import assert_close, assert_equal

transfer = gradekit.submission("q8.transfer")


@pytest.mark.task("q8.5")
def test_two_class_head_and_an_optimizer_at_another_rate():
    model = transfer.build_transfer_model(2)
    state = probes.state_dict(model)
    checks_q8.assert_same_features(state, backbone.load_pretrained().state_dict(), what="build_transfer_model(2)")
    assert_equal(tuple(state["classifier.weight"].shape), (2, backbone.FEATURE_DIM), name="the head's weight shape")
    held = probes_q8.optimizer_parameter_names(transfer.head_optimizer(model, 0.1), model)
    assert_equal(held["names"], ["classifier.bias", "classifier.weight"], name="parameters in head_optimizer(model, 0.1)")


@pytest.mark.task("q8.6")
def test_frozen_batch_norm_stays_and_unfrozen_batch_norm_trains():
    x, y = checks_q8.held_out_task("train")
    x, y = x[:24] * 0.5, y[:24]  # darker than anything the backbone saw: batch statistics differ from running ones
    model = transfer.build_transfer_model(4)
    before = probes.state_dict(model)
    transfer.train_step(model, transfer.head_optimizer(model, 0.01), x, y)
    checks_q8.assert_same_features(probes.state_dict(model), before, what="a frozen model after train_step")
    # Unfrozen, the same step must train batch norm: batch statistics in the forward pass, running ones updated.
    model.requires_grad_(True)
    before = probes.state_dict(model)
    loss = transfer.train_step(model, transfer.head_optimizer(model, 0.001), x, y)
    reference = backbone.SmallCNN(before["classifier.weight"].shape[0])
    reference.load_state_dict(before)
    reference.train()
    with torch.no_grad():
        expected = F.cross_entropy(reference(x), y)
    assert_close(loss, expected, rtol=1e-4, atol=1e-5, name="train_step's loss on an unfrozen model (training mode)")
    after = probes.state_dict(model)
    assert_close(after["features.bn1.running_mean"], reference.state_dict()["features.bn1.running_mean"], rtol=1e-4,
                 atol=1e-6, name="bn1.running_mean after a step of the unfrozen model")


@pytest.mark.task("q8.7")
def test_finetuning_beats_scratch_with_one_label_per_class():
    # The reference solution with 1 label per class, seeds 5-9: gains +0.069 to +0.264, scratch 0.479-0.612.
    gain, gains = checks_q8.transfer_gain(transfer.fit_finetune, transfer.fit_scratch, per_class=1, seeds=(5, 6, 7),
                                          scratch_floor=0.35)
    assert gain >= 0.04, f"fine-tuning beats scratch by {gain:+.3f} on average ({gains}); expected at least +0.04"


@pytest.mark.task("q8.8")
def test_ties_keep_the_lower_index_and_k_equal_to_c():
    logits = np.array([[1.0, 3.0, 3.0, 0.0, 3.0]], dtype=np.float32)
    names = ["v", "w", "x", "y", "z"]
    got = transfer.decode_topk(logits, 5, names)
    p_top, p_mid, p_low = (np.exp([3.0, 1.0, 0.0]) / (3 * np.exp(3.0) + np.exp(1.0) + 1.0)).tolist()
    assert_equal([n for n, _ in got[0]], ["w", "x", "z", "v", "y"], name="names of decode_topk(tied logits, 5)")
    assert_close([p for _, p in got[0]], [p_top, p_top, p_top, p_mid, p_low], rtol=1e-6,
                 name="probabilities of decode_topk(tied logits, 5)")
