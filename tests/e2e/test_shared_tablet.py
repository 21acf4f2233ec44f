"""Two clients in a row on the clinic's shared tablet: the second finds nothing of the first."""

import pytest

from tests.e2e import flows

pytestmark = pytest.mark.e2e


def visible_text(tab) -> str:
    return tab.page.locator("body").inner_text()


def test_two_clients_one_tablet(open_browser, deep60, alex):
    tab = open_browser("phone")
    page = tab.page
    rosa = flows.person("Rosa Quintero", "rosa@example.com")

    # The first client: the check, a booking, then "Finish and clear this device".
    assert flows.intake(tab, flows.SELF_CARE, rosa) == "SELF_CARE"
    tab.follow("Book a session if you would like one")
    flows.choose_session(tab, "Deep tissue 60", "Alex Morgan")
    flows.choose_first_time(tab)
    tab.submit("Continue")
    tab.submit("Send request")
    assert tab.path == "/book/sent/"
    reference = page.locator(".booking-reference").inner_text()
    tab.look("tablet-first-client-done", "shared tablet: first client's receipt")
    tab.submit("Finish and clear this device")
    assert tab.path == "/"
    assert "Nothing of your visit is left on this device" in visible_text(tab)

    # The second client, on the same browser: every page the first one saw.
    second = {}
    for path in ("/intake/result/", "/book/sent/", "/intake/?step=3", "/book/"):
        tab.go(path)
        second[path] = visible_text(tab)
        # Each one starts over: the check's start page or first step, or the booking's first.
        assert (
            "Start the check" in second[path]
            or "Step 1 of" in second[path]
            or (tab.path == "/book/")
        ), path
    tab.go("/book/?service=deep-tissue-60&therapist=alex")
    second["times"] = visible_text(tab)
    for text in second.values():
        for trace in (rosa["name"], rosa["email"], reference, "Self-care is likely enough"):
            assert trace not in text
    # No form on any page is filled in with the first client's answers.
    tab.go("/intake/?step=1")
    assert page.locator("input:checked").count() == 0
    tab.look("tablet-second-client", "shared tablet: the next client starts from nothing")


def test_without_finishing_a_half_finished_check_is_not_left_for_the_next_person(
    open_browser, settings
):
    settings.INTAKE_IDLE_MINUTES = 0  # as if the tablet lay idle past the limit
    tab = open_browser("phone")
    tab.go("/intake/?step=1")
    flows.answer_step(tab, 1, flows.SELF_CARE)
    tab.submit("Next")
    tab.go("/intake/?step=1")
    assert tab.page.locator("input:checked").count() == 0
