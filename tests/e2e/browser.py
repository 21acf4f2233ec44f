"""One browser context on the live server, with the checks every journey makes on the way:
no request to another host, no script error or CSP refusal, screenshots, axe-core, and the
keyboard focus being visible."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, Route

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

VIEWPORTS = {
    "phone": {"width": 390, "height": 844, "mobile": True, "scale": 2},
    "desktop": {"width": 1280, "height": 800, "mobile": False, "scale": 1},
}

# WCAG 2.0, 2.1 and 2.2 at levels A and AA; nothing switched off.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
AXE = Axe()
# For the summary at the end of the run: every page axe looked at, and the screenshots.
AXE_CHECKED: list[str] = []
SHOTS_TAKEN = 0

# What the focused element looks like, what is behind it, and whether it is on screen.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  let behind = "rgb(255, 255, 255)";
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(colour)) { behind = colour; break; }
  }
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    element: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.name ? "[name=" + el.name + "]" : "")
      + (el.type === "radio" || el.type === "checkbox" ? "[value=" + el.value + "]" : ""),
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    name: el.name || "",
    value: el.value || "",
    checked: !!el.checked,
    text: (label || el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 80),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    behind: behind,
    onScreen: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth
      && rect.width > 0 && rect.height > 0,
  };
}"""

_COLOUR = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")
# One shadow as Chromium computes it: colour, x, y, blur, spread.
_SHADOW = re.compile(r"(rgba?\([^)]*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+(-?[\d.]+)px")


def _rgba(text: str) -> tuple[float, float, float, float] | None:
    found = _COLOUR.search(text)
    if not found:
        return None
    red, green, blue, alpha = found.groups()
    return float(red), float(green), float(blue), float(alpha) if alpha is not None else 1.0


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(colour: str, behind: str) -> float:
    """WCAG contrast of a (possibly translucent) colour drawn over an opaque one."""
    front, back = _rgba(colour), _rgba(behind) or (255.0, 255.0, 255.0, 1.0)
    if front is None:
        return 1.0
    alpha = front[3]
    mixed = tuple(front[i] * alpha + back[i] * (1 - alpha) for i in range(3))
    lighter, darker = sorted((_luminance(mixed), _luminance(back[:3])), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_indicators(state: dict) -> list[tuple[str, float]]:
    """Each ring drawn around the focused element (an outline or a box-shadow at least 2 px
    wide) with its contrast against what is behind the element."""
    rings = []
    if state["outlineStyle"] not in ("none", "hidden") and state["outlineWidth"] >= 2:
        rings.append((f"outline {state['outlineColor']}", state["outlineColor"]))
    for colour, _x, _y, _blur, spread in _SHADOW.findall(state["boxShadow"]):
        if float(spread) >= 2:
            rings.append((f"box-shadow {colour} {spread}px", colour))
    return [(name, contrast(colour, state["behind"])) for name, colour in rings]


def focus_problem(state: dict | None) -> str | None:
    """Why the focus is not visible, or None when it is: something must hold the focus, be on
    screen, and have a ring around it with 3:1 contrast against its background (WCAG 1.4.11)."""
    if state is None:
        return "nothing has the focus"
    where = f"{state['element']} ({state['text']!r})"
    if not state["onScreen"]:
        return f"{where} has the focus but is off screen"
    rings = focus_indicators(state)
    if not any(ratio >= 3 for _name, ratio in rings):
        found = ", ".join(f"{name} at {ratio:.1f}:1" for name, ratio in rings) or "none"
        return (
            f"{where} has no focus ring with 3:1 contrast against {state['behind']} "
            f"(rings: {found})"
        )
    return None


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


class BrowserTab:
    """A browser context with one page, opened by the `open_browser` fixture."""

    def __init__(self, context: BrowserContext, base_url: str, folder: Path, prefix: str):
        self.context = context
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.folder = folder
        self.prefix = prefix
        self.shots = 0
        self.outside: list[str] = []
        self.errors: list[str] = []
        context.route("**/*", self._only_this_site)
        self.page: Page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        self.page.on("response", self._response)

    # --- what the browser must never do ------------------------------------------------------

    def _only_this_site(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == self.host:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        # Failed loads are judged by _response (a 404 page is meant to be a 404).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console error on {self.page.url}: {message.text}")

    def _response(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" and response.status >= 400:
            self.errors.append(f"{response.status} for {request.resource_type} {response.url}")

    def problems(self) -> list[str]:
        return [f"request to another host: {url}" for url in self.outside] + self.errors

    def close(self) -> None:
        self.context.close()

    # --- moving around -----------------------------------------------------------------------

    def go(self, path: str, status: int = 200) -> Response:
        response = self.page.goto(path)
        assert response is not None and response.status == status, (
            f"{path}: {response.status if response else 'no response'}, expected {status}"
        )
        return response

    @property
    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def submit(self, name: str) -> None:
        """Click a button that sends a form, and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()

    def follow(self, name: str) -> None:
        """Click a link and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=name, exact=True).first.click()

    # --- looking at the page -----------------------------------------------------------------

    def shot(self, name: str) -> Path:
        global SHOTS_TAKEN
        SHOTS_TAKEN += 1
        self.shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.prefix}-{self.shots:02d}-{name}.png"
        scroll = self.page.evaluate("[scrollX, scrollY]")
        self.page.screenshot(path=path, full_page=True)
        # After a full-page capture Chromium hit-tests against a stale scroll position until
        # the page scrolls again (a click then lands beside its target): scroll it back.
        self.page.evaluate("([x, y]) => { scrollTo(x, y + 1); scrollTo(x, y); }", scroll)
        return path

    def axe(self, what: str) -> None:
        """axe-core on the page as it is now: no WCAG 2.2 A or AA violation."""
        results = AXE.run(self.page, options=AXE_OPTIONS)
        AXE_CHECKED.append(f"{self.prefix}: {what}")
        violations = results.response["violations"]
        assert not violations, (
            f"axe-core found {len(violations)} WCAG A/AA problem(s) on {what} "
            f"({self.page.url}, {self.prefix}):\n{describe_violations(violations)}"
        )

    def look(self, name: str, what: str | None = None, *, mouse: bool = True) -> None:
        """A screenshot and an axe check of a key page. `mouse`: move the mouse out of the way
        first, so that a button it just clicked is not caught in its hover colours."""
        if mouse:
            self.page.mouse.move(0, 0)
        self.shot(name)
        self.axe(what or name.replace("-", " "))

    def focus_state(self) -> dict | None:
        return self.page.evaluate(FOCUS_STATE)

    def assert_focus_visible(self) -> dict:
        state = self.focus_state()
        problem = focus_problem(state)
        assert problem is None, f"{self.path}: {problem}"
        return state
