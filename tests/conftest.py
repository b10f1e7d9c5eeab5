"""Framework tests. pytester runs real pytest sessions (in subprocesses) on small courses."""

import os
import shutil

import pytest

pytest_plugins = ["pytester"]


def pytest_configure(config):
    # The kit's own suite lists its slowest tests, so CI can be kept inside its time; a question's
    # scoreboard (pytest assignments/qN) is not touched by this file.
    if config.option.durations is None:
        config.option.durations = 25


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module that renders pages: Debian's `chromium`, driven by
    Playwright. Not one per session: while Playwright's sync API is started it marks its event loop
    as running on this thread, so every later test's asyncio.run (Dask's client among them) would fail.

    Missing either is a failure that says what to install, never a skip: the page tests are the
    only check that report.html and index.html render.
    """
    exe = shutil.which(os.environ.get("GRADEKIT_CHROMIUM", "chromium"))
    if exe is None:
        pytest.fail(
            "the page tests need Debian's chromium: apt-get install chromium (or bash scripts/install.sh --tests)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the page tests need Playwright's Python package: pip install -r requirements.txt")
    with sync_playwright() as pw:
        # Chromium refuses to start its sandbox as root; the pages it opens are the kit's own files.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = pw.chromium.launch(executable_path=exe, args=args)
        yield launched
        launched.close()


# What a page test reads from the rendered DOM (after every image is decoded, or failed to).
FACTS = """async () => {
  await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)));
  return {
    headings: Array.from(document.querySelectorAll('h1, h2, h3')).map(h => h.textContent.trim()),
    images: Array.from(document.images).map(i => ({alt: i.alt, width: i.naturalWidth, src: i.src})),
    rows: Array.from(document.querySelectorAll('table')).map(t => t.tBodies.length ? t.tBodies[0].rows.length : 0),
    text: document.body.innerText,
    html: document.documentElement.outerHTML,
    wider_than_screen: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


@pytest.fixture
def render(browser, tmp_path):
    """render(path, name) -> the page's facts, read with scripts off on a phone-sized screen; a
    full-page screenshot goes to tmp_path/<name>.png (or ``screenshot=`` a path)."""

    def run(path, name, screenshot=None, width=390):
        context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto(path.resolve().as_uri())
            facts = page.evaluate(FACTS)
            facts["screenshot"] = screenshot or tmp_path / f"{name}.png"
            page.screenshot(path=facts["screenshot"], full_page=True)
        finally:
            context.close()
        return facts

    return run
