"""The book builds from the smoke run, and its pages render in headless Chromium with no network."""
import functools
import http.server
import os
import re
import shutil
import threading

import pytest

def test_book_builds_with_every_chapter(built_book):
    "Strict build (Sphinx warnings are errors); every executed chapter and the generated pages are there."
    staged, html = built_book
    assert not staged.missing, f"chapters in the table of contents without an executed notebook: {staged.missing}"
    for page in ["index", "intro", "01_data_video", "report", "api", "bibliography"] + staged.chapters:
        assert (html/f"{page}.html").exists(), f"{page}.html missing"

def test_book_pages_have_their_content(built_book):
    "The data chapter has its figure; the report lists the video claim; nbdev directives are gone."
    _, html = built_book
    video = (html/"01_data_video.html").read_text()
    assert "<img" in video and "Fig. 1 analogue" in video
    assert "#| export" not in video and "#| hide" not in video and "default_exp" not in video
    report = (html/"report.html").read_text()
    assert "treasure.fig1.video_vs_iid_similarity" in report and "holds" in report
    assert "claims_frame" in (html/"api.html").read_text()

def test_report_counts_sections_and_links(built_book):
    "The report opens with the counts per kind and status, separates what was checked, and links every claim to its cell."
    _, html = built_book
    report = (html/"report.html").read_text()
    assert report.index('class="claim-counts') < report.index('id="reproductions"') < report.index('id="consistency-checks-of-the-papers"') \
        < report.index('id="trends"') < report.index('id="reported-only"') < report.index('id="printed-numbers-no-claim-checks"')
    links = re.findall(r'href="([\w.-]+\.html)#(claim-[^"]+)"', report)
    assert links, "no claim links to chapter cells"
    pages = {}
    dangling = [(p, a) for p, a in links if f'id="{a}"' not in pages.setdefault(p, (html/p).read_text() if (html/p).exists() else "")]
    assert not dangling, f"report links to anchors that do not exist: {dangling[:10]}"

# --- headless Chromium ----------------------------------------------------------------------------------
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

def _browser():
    if not (CHROMIUM and DRIVER):
        msg = "Debian packages chromium and chromium-driver are not installed (make install installs them as root)"
        if IN_CI: pytest.fail(f"CI=true requires the browser check: {msg}")
        pytest.skip(msg)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic", "--window-size=1280,1600"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(DRIVER), options=opts)

@pytest.fixture(scope="module")
def served_book(built_book):
    "Serve the built HTML on localhost (as a reader's browser would see it), yield its base URL."
    _, html = built_book
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()

@pytest.fixture(scope="module")
def browser(served_book):
    driver = _browser()
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()

def _open(browser, url, math=False):
    "Load a page; with `math`, wait until MathJax has typeset something (it fails the wait otherwise)."
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(url)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if math:
        WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.querySelectorAll('mjx-container').length") > 0,
                                         message=f"{url}: MathJax typeset nothing within 30 s")
    return browser

def _resources(browser):
    return browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")

@pytest.mark.parametrize("page,text,figure,math", [
    ("index.html", "An executable reference for efficient deep learning at the edge", False, False),
    ("01_data_video.html", "Fig. 1: how similar are the frames?", True, True),
    ("report.html", "treasure.fig1.video_vs_iid_similarity", False, False),
    ("part_lowprec.html", "Low precision and memory", False, True),
])
def test_page_renders_offline(browser, served_book, page, text, figure, math):
    "Text visible; figures decoded; math typeset by the bundled MathJax; nothing fetched from outside."
    _open(browser, f"{served_book}/{page}", math)
    body = browser.find_element("tag name", "body").text
    assert text in body, f"{page}: {text!r} not visible"
    if figure:
        loaded = browser.execute_script("return [...document.images].filter(i => i.complete && i.naturalWidth > 100).length")
        assert loaded >= 2, f"{page}: only {loaded} figures decoded"
    outside = [u for u in _resources(browser) if not u.startswith(served_book) and not u.startswith("data:")]
    assert not outside, f"{page} fetched from outside the book: {outside}"

# what the colours of book/_static/claims.css look like: green, red, amber, grey
def _hue(rgb:str)->str:
    r, g, b = map(int, re.findall(r"\d+", rgb)[:3])
    if max(r, g, b) - min(r, g, b) < 16: return "grey"
    return "green" if g > r and g > b else "red" if r > g + 40 else "amber"

def test_report_fits_and_is_coloured(browser, served_book):
    "At a 1400 px wide window no table of the report scrolls sideways, and each status has its colour."
    browser.set_window_size(1400, 1000)
    try:
        _open(browser, f"{served_book}/report.html")
        wide = browser.execute_script("""return [...document.querySelectorAll('article table')]
            .filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1 || t.getBoundingClientRect().right > window.innerWidth)
            .map(t => t.className + ' ' + t.parentElement.scrollWidth + '>' + t.parentElement.clientWidth)""")
        assert not wide, f"tables wider than their column at 1400 px: {wide}"
        page = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert page[0] <= page[1], f"the report page scrolls sideways: {page}"
        colours = browser.execute_script("""return Object.fromEntries([...document.querySelectorAll('.claim-status')]
            .map(s => [s.textContent.trim(), getComputedStyle(s).backgroundColor]))""")
        expected = {"match": "green", "holds": "green", "mismatch": "red", "does not hold": "red", "deviation": "amber", "reported only": "grey"}
        assert {s: _hue(c) for s, c in colours.items()} == expected, colours
    finally:
        browser.set_window_size(1280, 1600)
