"""The four result levels on a phone: each reached through the pre-visit check, photographed,
and told apart by what a person notices first (heading, badge words, colour and icon), never
by colour alone."""

from tests.e2e import flows

LEVELS = ["EMERGENCY", "MEDICAL", "PROFESSIONAL", "SELF_CARE"]

# What a person notices first, read off the page.
NOTICED = """() => {
  const section = document.querySelector("section.triage-result");
  const badge = section.querySelector(".level-badge");
  return {
    heading: document.querySelector("h1").innerText.trim(),
    badge: badge.innerText.trim(),
    colourClass: Array.from(section.classList).find((name) => name.startsWith("result-")),
    badgeColour: getComputedStyle(badge).backgroundColor,
    borderColour: getComputedStyle(section).borderTopColor,
    icon: badge.querySelector("svg").innerHTML,
  };
}"""


def test_result_levels(open_browser):
    seen = {}
    for level in LEVELS:
        tab = open_browser("phone", who=level.lower().replace("_", "-"))
        who = flows.person("Rosa Quintero", f"rosa.{level.lower()}@example.com")
        reached = flows.intake(tab, flows.ANSWERS_BY_LEVEL[level], who)
        assert reached == level
        tab.look(f"result-{level.lower().replace('_', '-')}", f"result {level} on a phone")
        seen[level] = tab.page.evaluate(NOTICED)
        assert seen[level]["heading"] == flows.RESULT_HEADINGS[level]
        assert seen[level]["colourClass"] == f"result-{level}"
        # Nothing wider than the phone's screen.
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390

    for what in ("heading", "badge", "colourClass", "badgeColour", "borderColour", "icon"):
        values = [seen[level][what] for level in LEVELS]
        assert len(set(values)) == len(LEVELS), f"{what} is not different at every level: {values}"
