"""Accessibility checks for the browser tests: axe-core on a page state, and our own check of chart text.

``assert_accessible(page)`` runs axe-core (shipped inside the axe-playwright-python wheel; nothing is fetched)
on the page as it is now, at the desktop and the phone width, then opens the same URL in the other language (a
fresh tab with the same session) and checks it at both widths too. It fails on any violation of WCAG 2.1 A or AA,
and on a table header cell without text (axe-core counts that as best practice only). A state that a URL cannot
bring back (a form after a POST with errors, a flash message, what HTMX swapped in) is checked with
``other_language=False``; tests/e2e/test_accessibility.py brings each such state about in both languages.

Every check is recorded in ``CHECKED``; the e2e conftest writes that list to test-artifacts/axe-coverage.txt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

from tests.e2e.conftest import DESKTOP, PHONE

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
LANGUAGE_COOKIE = "django_language"
MIN_CHART_TEXT_PX = 12.0
MIN_TEXT_CONTRAST = 4.5


@dataclass(frozen=True)
class Checked:
    path: str
    state: str
    language: str
    width: str


CHECKED: list[Checked] = []


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    violations: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations)",
        WCAG_21_AA,
    )
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:])
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
            lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


def _check_both_widths(page: Page, state: str, problems: dict[str, str]) -> None:
    language = page.locator("html").get_attribute("lang") or "?"
    original = page.viewport_size
    try:
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            CHECKED.append(Checked(urlsplit(page.url).path, state, language, width))
            found = describe(axe_violations(page))
            # axe-core counts an empty header cell as best practice, not WCAG; we hold every header to a name.
            if empty := page.locator("th").evaluate_all("els => els.filter(th => !th.textContent.trim()).length"):
                found += f"\n{empty} table header cell(s) without text"
            if found:
                problems[f"{state} [{language}, {width}] {page.url}"] = found
    finally:
        if original:
            page.set_viewport_size(original)


def assert_accessible(page: Page, state: str = "", *, other_language: bool = True) -> None:
    """No WCAG 2.1 A/AA violation on this page state, at desktop and phone width, in Dutch and in English."""
    state = state or urlsplit(page.url).path
    problems: dict[str, str] = {}
    _check_both_widths(page, state, problems)
    if other_language:
        language = page.locator("html").get_attribute("lang")
        other = "en" if language == "nl" else "nl"
        context = page.context
        browser = context.browser
        assert browser is not None
        storage = context.storage_state()
        url = urlsplit(page.url)
        cookies = [c for c in storage["cookies"] if c["name"] != LANGUAGE_COOKIE]
        twin = browser.new_context(locale="nl-NL", viewport=DESKTOP, timezone_id="Europe/Amsterdam")
        try:
            twin.add_cookies([*cookies, {"name": LANGUAGE_COOKIE, "value": other, "domain": url.hostname, "path": "/"}])
            tab = twin.new_page()
            tab.goto(page.url)
            assert tab.locator("html").get_attribute("lang") == other, f"{page.url} did not switch to {other}"
            _check_both_widths(tab, state, problems)
        finally:
            twin.close()
    assert not problems, "WCAG 2.1 AA violations found by axe-core:\n" + "\n\n".join(
        f"{where}\n{what}" for where, what in problems.items()
    )


# --- chart text: axe only flags SVG text "for review", so we measure it ourselves --------------------------------

CHART_TEXT_JS = """
(selector) => {
  const rgba = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {  // top composited over an opaque bottom
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const backdrop = (el) => {  // the opaque colour behind an element, from its ancestors' backgrounds
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (const c of layers.reverse()) colour = over(c, colour);
    return colour;
  };
  const out = [];
  for (const svg of document.querySelectorAll(selector)) {
    const base = backdrop(svg);
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const style = getComputedStyle(text);
      if (style.display === "none" || style.visibility === "hidden" || !text.getClientRects().length) continue;
      const box = text.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const rendered = parseFloat(style.fontSize) * text.getScreenCTM().a;
      // Filled shapes of the chart under the text's centre (lines have no fill to speak of), composited
      // bottom-up over the backdrop.
      let bg = base;
      const under = document.elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2)
        .filter(e => svg.contains(e) && e.matches("polygon, rect, circle, ellipse, path"))
        .reverse();
      for (const shape of under) {
        const s = getComputedStyle(shape);
        const fill = rgba(s.fill);
        if (!fill || s.fill === "none") continue;
        fill[3] *= parseFloat(s.fillOpacity) * parseFloat(s.opacity);
        bg = over(fill, bg);
      }
      const fg = rgba(style.fill);
      out.push({
        text: text.textContent.trim(), chart: svg.getAttribute("class"), cls: text.getAttribute("class"),
        px: rendered, height: box.height, fg: fg ? over(fg, bg) : null, bg: bg,
        inside: box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5
          && box.top >= frame.top - 0.5 && box.bottom <= frame.bottom + 0.5,
      });
    }
  }
  return out;
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    """The WCAG contrast ratio of two opaque colours (r, g, b in 0-255)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class ChartText:
    chart: str
    css_class: str
    text: str
    px: float
    height: float
    contrast: float
    inside: bool


def chart_texts(page: Page, selector: str = "svg") -> list[ChartText]:
    """Every visible text of the charts on the page: rendered font size, box height and contrast."""
    return [
        ChartText(
            chart=t["chart"] or "",
            css_class=t["cls"] or "",
            text=t["text"],
            px=t["px"],
            height=t["height"],
            contrast=contrast(t["fg"], t["bg"]) if t["fg"] else 0.0,
            inside=t["inside"],
        )
        for t in page.evaluate(CHART_TEXT_JS, selector)
    ]


def chart_text_problems(page: Page, selector: str = "svg") -> list[str]:
    """Chart text below 12 px rendered, below 4.5:1 contrast, or cut off at the chart's edge."""
    problems = []
    for t in chart_texts(page, selector):
        where = f"{t.chart} .{t.css_class} {t.text!r}"
        if t.px < MIN_CHART_TEXT_PX or t.height < MIN_CHART_TEXT_PX:
            problems.append(f"{where}: {t.px:.1f} px font, {t.height:.1f} px high")
        if t.contrast < MIN_TEXT_CONTRAST:
            problems.append(f"{where}: contrast {t.contrast:.2f}:1")
        if not t.inside:
            problems.append(f"{where}: cut off at the chart's edge")
    return problems
