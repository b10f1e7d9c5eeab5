"""Every sentence of the course that states the maps AlexNet's first LRN layer (norm1) sees agrees
with the network q5 builds.

The texts drifted once: q3 called a (8, 96, 27, 27) batch "an AlexNet norm1 batch" while q5 and
q10 said 55x55. In the paper norm1 follows conv1's ReLU and precedes pool1, so it sees conv1's
96@55x55; CaffeNet swaps the two, so its norm1 sees pool1's 96@27x27. Both shapes are measured
here on q5's reference AlexNet, never written down, and every statement is checked against the
one it claims: a sentence that names CaffeNet against CaffeNet's order, any other against the paper's.
"""

import importlib.util
import io
import re
import tokenize
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
# The questions that state norm1's shape; each must keep stating it somewhere, so that a rewording
# cannot silently leave this test with nothing to check.
QUESTIONS = ("q3", "q5", "q10")

# A sentence is about norm1 when it names it (or AlexNet's first LRN layer), or when it is a table
# row or sentence that names LRN next to a 96-channel map: only norm1 normalizes 96 channels.
ABOUT_NORM1 = re.compile(r"(?i:norm1|first local response)|first LRN|\bLRN\b")
# The ways the texts write a 96-channel map: (N, 96, H, W), (96, H, W), 96@HxW, 96xHxW, 96 maps of HxW.
SHAPES = [
    re.compile(r"\(\s*(?:\d+\s*,\s*)?96\s*,\s*(\d+)\s*,\s*(\d+)\s*\)"),
    re.compile(r"\b96\s*@\s*(\d+)\s*[x×]\s*(\d+)(?![\d/])"),  # not 96@11x11/4, conv1's kernels
    re.compile(r"\b96\s*[x×]\s*(\d+)\s*[x×]\s*(\d+)"),
    re.compile(r"\b96 (?:maps|channels|feature maps) of (\d+)\s*[x×]\s*(\d+)"),
]


def alexnet_norm1_inputs():
    """(paper, caffenet): the (C, H, W) maps norm1 sees in q5's AlexNet at its 227x227 input, and the
    maps it would see with CaffeNet's order (pool1 first), i.e. pool1's output in the same network."""
    path = REPO / "solutions" / "q5" / "alexnet.py"
    spec = importlib.util.spec_from_file_location("course_norm1_alexnet", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.AlexNet(num_classes=10).eval()
    seen = {}

    def record(kind):
        def hook(layer, inputs, output):
            seen.setdefault(kind, (tuple(inputs[0].shape[1:]), tuple(output.shape[1:])))

        return hook

    for layer in model.modules():
        kind = type(layer).__name__
        if kind in ("LocalResponseNorm", "MaxPool2d"):
            layer.register_forward_hook(record(kind))
    with torch.no_grad():
        model(torch.zeros(1, 3, 227, 227))
    assert "LocalResponseNorm" in seen and "MaxPool2d" in seen, f"{path}: AlexNet has no LRN or no max pool"
    return seen["LocalResponseNorm"][0], seen["MaxPool2d"][1]


def units(path: Path):
    """(line, text) of every sentence, table row, code line and comment of a markdown or Python file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        yield from _markdown_units(text)
        return
    comments = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            comments.append((tok.start[0], tok.string.lstrip("#").strip()))
        elif tok.type == tokenize.STRING:  # docstrings and messages are read like markdown
            for line, sentence in _markdown_units(tok.string):
                yield tok.start[0] + line - 1, sentence
    block: list[tuple[int, str]] = []  # consecutive comment lines are one paragraph
    for line, comment in comments:
        if block and line != block[-1][0] + 1:
            yield from _sentences(block)
            block = []
        block.append((line, comment))
    yield from _sentences(block)


def _markdown_units(text: str):
    """Table rows and code lines one by one; every other paragraph (or list item) split into sentences."""
    paragraph: list[tuple[int, str]] = []
    in_code = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
        starts_item = re.match(r"([-*+]|\d+\.)\s", stripped)
        if in_code or not stripped or stripped.startswith(("|", "```", "#")) or line.startswith("    "):
            yield from _sentences(paragraph)
            paragraph = []
            if stripped:
                yield number, stripped
            continue
        if starts_item:
            yield from _sentences(paragraph)
            paragraph = []
        paragraph.append((number, stripped))
    yield from _sentences(paragraph)


def _sentences(lines: list[tuple[int, str]]):
    """Split wrapped lines into sentences, each with the line it starts on."""
    if not lines:
        return
    text, starts = "", []
    for number, part in lines:
        starts.append((len(text), number))
        text += part + " "
    position = 0
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z`(*])", text):
        position = text.index(sentence, position)
        yield max(n for offset, n in starts if offset <= position), sentence.strip()
        position += len(sentence)


def statements(root: Path):
    """(question, file, line, sentence, [(H, W), ...]) of every sentence about norm1 giving a 96-channel map."""
    for question in QUESTIONS:
        for folder in (root / "assignments" / question, root / "solutions" / question):
            for path in sorted(folder.rglob("*")):
                if path.suffix not in (".md", ".py") or "__pycache__" in path.parts:
                    continue
                for line, sentence in units(path):
                    if not ABOUT_NORM1.search(sentence):
                        continue
                    shapes = [(int(h), int(w)) for pattern in SHAPES for h, w in pattern.findall(sentence)]
                    if shapes:
                        yield question, path.relative_to(root), line, sentence, shapes


def disagreements(root: Path, paper, caffenet) -> list[str]:
    """A line per statement whose shape is not the one q5's AlexNet gives, and per question stating none."""
    found = list(statements(root))
    wrong = []
    for _, path, line, sentence, shapes in found:
        claimed = caffenet if "caffenet" in sentence.lower() else paper
        order = "CaffeNet's order (pool1 before norm1)" if claimed is caffenet else "the paper's order"
        for shape in shapes:
            if shape != claimed[1:]:
                wrong.append(
                    f"{path}:{line}: says norm1 sees 96@{shape[0]}x{shape[1]}, but in {order} q5's AlexNet "
                    f"gives it 96@{claimed[1]}x{claimed[2]} at a 227x227 input: {sentence!r}"
                )
    stating = {question for question, *_ in found}
    for question in QUESTIONS:
        if question not in stating:
            wrong.append(
                f"no sentence of {question} states the maps norm1 sees (as 96@HxW, (N, 96, H, W) or '96 maps of "
                "HxW' next to 'norm1' or 'LRN'); if the text was reworded, update this test's patterns"
            )
    return wrong


@pytest.fixture(scope="module")
def norm1():
    return alexnet_norm1_inputs()


def test_q5s_alexnet_gives_the_two_orders_different_shapes(norm1):
    # Were they equal, the check below could not tell the paper's order from CaffeNet's.
    paper, caffenet = norm1
    assert paper[0] == caffenet[0] == 96 and paper != caffenet, f"norm1 sees {paper}, pool1 gives {caffenet}"


def test_every_stated_norm1_shape_matches_q5s_alexnet(norm1):
    wrong = disagreements(REPO, *norm1)
    assert not wrong, "\n".join(wrong)


def test_a_course_that_calls_caffenets_shape_the_papers_is_caught(norm1, tmp_path):
    # The sentence q3 once had, in a copy of the three questions' texts.
    for question in QUESTIONS:
        for kind in ("assignments", "solutions"):
            for path in (REPO / kind / question).rglob("*"):
                if path.suffix in (".md", ".py") and "__pycache__" not in path.parts:
                    copy = tmp_path / path.relative_to(REPO)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    readme = tmp_path / "assignments" / "q3" / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8") + "\nThe speed test runs on an AlexNet norm1\nbatch `(8, 96, 27, 27)`.\n",
        encoding="utf-8",
    )
    wrong = disagreements(tmp_path, *norm1)
    assert len(wrong) == 1 and wrong[0].startswith("assignments/q3/README.md:"), wrong
    assert "says norm1 sees 96@27x27" in wrong[0] and "96@55x55" in wrong[0], wrong
