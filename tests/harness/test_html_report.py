"""report.html: a page per run, self-contained, readable without the terminal, hiding hidden tests."""

from html.parser import HTMLParser

from gradekit.harness import html_report


class Page(HTMLParser):
    """What a page is made of: its tags with their attributes, headings and text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._in_heading = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_heading = tag in ("h1", "h2")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2"):
            self._in_heading = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_heading and data.strip():
            self.headings.append(data.strip())

    def all_text(self) -> str:
        return "".join(self.text)


WRONG_SCALE = (
    "def scale(x, k):\n    import numpy as np\n    out = np.asarray(x, dtype=float) * k\n"
    "    if len(out) < 100:  # wrong on the small test only: the speed test still measures it\n"
    "        out[-1] += 0.5\n    return out\n"
)


def test_a_local_run_writes_a_page_with_every_message_whole(course):
    sub = course.submission(
        "wrongscale",
        arith="def add(a, b):\n    return a + b\n\n\n" + WRONG_SCALE,
        stats="def mean(x):\n    return 0.0\n",
    )
    page_path = course.root / "report.html"
    result = course.run("--against", str(sub), "--gradekit-html", str(page_path))
    text = page_path.read_text()
    page = Page(text)
    assert page.headings[0] == "gradekit report" and any(h.startswith("q1:") for h in page.headings)
    # The scoreboard keeps one line; the page has the whole assert_close message, tolerance included.
    scale = result.tasks["q1.2"]
    assert "\n" not in scale["output"] and "tolerance" not in scale["output"]
    assert "worst at index (3,)" in page.all_text() and "tolerance" in page.all_text()
    # The speed task is drawn as a bar with a text equivalent.
    bars = [attrs for tag, attrs in page.tags if attrs.get("class") == "bar"]
    assert bars and bars[0]["role"] == "img" and "the target is 0.25x" in bars[0]["aria-label"]
    # Self-contained: nothing fetched, nothing run.
    assert not any(tag in ("script", "img", "link", "iframe") for tag, _ in page.tags)
    assert "http://" not in text and "https://" not in text
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags
    assert any(tag == "html" and attrs.get("lang") == "en" for tag, attrs in page.tags)
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert links == ["assignments/q1/README.md"]


def test_a_hidden_test_appears_by_its_name_only(course):
    course.write(
        "solutions/q1/hidden/test_hidden_mean.py",
        """
        import pytest
        import gradekit

        @pytest.mark.task("q1.4")
        def test_mean_of_secret_values():
            got = gradekit.submission("q1.stats").mean([7.0, 9.0])
            assert got == 8.0, f"mean([7, 9]) is {got}, expected SECRET-8.0\\nsecond line SECRET"
        """,
    )
    sub = course.submission("wrongmean", stats="def mean(x):\n    return 1.0 if len(x) == 2 else sum(x) / len(x)\n")
    page_path = course.root / "report.html"
    course.run("--against", str(sub), "--with-hidden", "--gradekit-html", str(page_path))
    text = page_path.read_text()
    assert "test_mean_of_secret_values" in text and "SECRET" not in text


def test_text_from_the_submission_is_escaped():
    results = {
        "tests": [
            {"name": "q1.1 add", "number": "q1.1", "score": 0, "max_score": 10, "output": "<script>alert(1)</script>"}
        ],
        "extra_data": {"protections": {"sandbox": "bubblewrap & friends"}},
    }
    text = html_report.render(results)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "bubblewrap &amp; friends" in text
