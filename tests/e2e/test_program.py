"""The self-care program in a browser: the overview, the safety gate, a lesson marked done, a
week-2 check-in that is worse (to a therapist or a doctor), the gate that says see a doctor
first, the email pages, and the same program in Spanish; axe-core on every program page."""

import re

import pytest
from django.core import mail

from clinic.program import loader
from education import demo
from tests.program.helpers import GATE_CLEAR, GATE_MEDICAL, NO_CHECK_FIRST


@pytest.fixture
def program(transactional_db):
    demo.seed()
    loader.load()


def _answer(tab, answers: dict) -> None:
    for key, value in answers.items():
        tab.page.locator(f"input[name='{key}'][value='{value}']").check()


def _link(name: str) -> str:
    body = mail.outbox[-1].body
    return (
        "/" + re.search(rf"https?://[^\s]*/program/{name}/[^\s]+/", body).group(0).split("/", 3)[3]
    )


def test_program_journey_worse_at_week_2(open_browser, program):
    tab = open_browser("phone")
    tab.go("/program/")
    tab.look("overview", "program overview")
    tab.follow("Start the program")
    assert tab.path == "/program/start/"
    tab.look("gate", "program safety gate")

    # Sent with nothing answered: the catalogue's own messages, summary first.
    tab.submit("See if I can start")
    assert tab.page.locator(".error-summary").is_visible()
    assert (
        tab.page.get_by_text("Say whether you have coughed up blood in the last 7 days.").count()
        >= 1
    )
    tab.look("gate-errors", "program gate with errors")

    _answer(tab, GATE_CLEAR)
    tab.submit("See if I can start")
    assert tab.page.locator("h1").inner_text() == "You can start the program"
    tab.look("gate-passed", "program gate passed")

    tab.follow("Start lesson 1: Starting safely")
    assert tab.path == "/program/starting-safely/"
    assert tab.page.get_by_text("You are on lesson 1: Starting safely").is_visible()
    tab.look("lesson-1", "lesson 1")
    tab.submit("Mark as done")
    assert tab.path == "/program/understanding-your-knot/"
    assert tab.page.get_by_text("1 of 8 lessons done").is_visible()
    _answer(tab, {"pain": "5", "limits": "4"})
    tab.submit("Save my starting point")
    assert tab.page.get_by_text("Saved: pain 5 out of 10").is_visible()
    tab.look("lesson-2", "lesson 2 with the starting point saved")

    # A lesson out of order can be read, and says where the client is.
    tab.go("/program/building-your-back/")
    assert tab.page.get_by_text("You are on lesson 2: Understanding your knot").is_visible()
    tab.look("lesson-6", "lesson 6 out of order")

    tab.go("/program/check-in/2/")
    tab.look("check-in", "week 2 check-in")
    _answer(tab, {"pain_now": "8", "limits_now": "7", **NO_CHECK_FIRST})
    tab.submit("See my result")
    assert tab.page.locator("[data-advice]").get_attribute("data-advice") == "therapist"
    assert (
        tab.page.get_by_role("link", name="Book a session with a therapist").get_attribute("href")
        == "/book/"
    )
    assert tab.page.get_by_text("see your doctor", exact=False).count() >= 1
    tab.look("check-in-worse", "week 2 check-in result: worse")

    # Keep it by email: the pages of the email journey.
    tab.go("/program/")
    tab.page.get_by_label("Your email").fill("rosa@example.com")
    tab.page.locator("input[name='language'][value='en']").check()
    tab.submit("Send me the link")
    assert tab.path == "/program/email/sent/"
    tab.look("email-sent", "program email sent")
    tab.go(_link("confirm"))
    tab.look("confirm", "program confirm email")
    tab.submit("Confirm my email")
    assert tab.page.get_by_text("Your email is confirmed").is_visible()
    tab.go(_link("unsubscribe"))
    tab.look("unsubscribe", "program unsubscribe")
    tab.submit("Stop all program emails")
    assert tab.page.get_by_text("gets no more program emails").is_visible()


def test_program_gate_says_see_a_doctor_first(open_browser, program):
    tab = open_browser("phone")
    tab.go("/program/start/")
    _answer(tab, GATE_MEDICAL)
    tab.submit("See if I can start")
    assert tab.page.locator("h1").inner_text() == "Please see a doctor before you start"
    assert tab.page.get_by_role("link", name=re.compile("^Start lesson 1")).count() == 0
    tab.look("doctor-first", "program gate: see a doctor first")
    tab.page.get_by_label("Your email").fill("sam@example.com")
    tab.page.locator("input[name='language'][value='en']").check()
    tab.submit("Send me the link")
    tab.go(_link("start/doctor-ok"))
    tab.look("doctor-ok", "program start with the doctor's OK")
    tab.go("/program/starting-safely/")
    assert tab.page.get_by_role("button", name="Mark as done").count() == 0


def test_program_emergency_screens(open_browser, program):
    tab = open_browser("desktop")
    tab.go("/program/start/")
    _answer(tab, {**GATE_CLEAR, "stroke_signs_now": "yes"})
    tab.submit("See if I can start")
    assert tab.page.locator("h1").inner_text() == "Call 911 now"
    assert tab.page.get_by_role("link", name="Call 911").get_attribute("href") == "tel:911"
    tab.look("gate-911", "program gate: call 911")
    tab.follow("I chose a wrong answer")
    _answer(tab, GATE_CLEAR)
    tab.submit("See if I can start")
    tab.go("/program/check-in/4/")
    _answer(tab, {"pain_now": "3", "limits_now": "3", "baseline_pain": "6", "baseline_limits": "5",
                  **NO_CHECK_FIRST, "breathless_now": "yes"})  # fmt: skip
    tab.submit("See my result")
    assert tab.page.locator("h1").inner_text() == "Call 911 now"
    tab.look("check-in-911", "check-in: call 911")
    # The program is paused until the safety questions say it may go on.
    tab.follow("I chose a wrong answer")
    _answer(tab, GATE_CLEAR)
    tab.submit("See if I can start")
    tab.go("/program/check-in/4/")
    _answer(tab, {"pain_now": "3", "limits_now": "3", **NO_CHECK_FIRST})
    tab.submit("See my result")
    assert tab.page.locator("[data-advice]").get_attribute("data-advice") == "better"
    tab.look("check-in-better", "check-in: better")
    tab.follow("Your flare-up plan")
    assert tab.page.url.endswith("#section-your-flare-up-plan")


def test_program_journey_in_spanish(open_browser, program):
    """The program under /es/: the Spanish lessons, the gate and a check-in in Spanish, the
    language switch to the same lesson in English, and progress that follows the client."""
    tab = open_browser("phone")
    tab.go("/es/program/")
    assert tab.page.locator("html").get_attribute("lang") == "es"
    assert tab.page.get_by_role("link", name="Empezar con seguridad").count() == 1
    tab.look("es-overview", "Spanish program overview")
    tab.follow("Empezar el programa")
    assert tab.path == "/es/program/start/"
    _answer(tab, GATE_CLEAR)
    tab.submit("Ver si puedo empezar")
    assert tab.page.locator("h1").inner_text() == "Puede empezar el programa"
    tab.follow("Empezar la lección 1: Empezar con seguridad")
    assert tab.path == "/es/program/empezar-con-seguridad/"
    tab.look("es-lesson-1", "Spanish lesson 1")
    tab.submit("Marcar como hecha")
    assert tab.path == "/es/program/entender-su-nudo/"
    assert tab.page.get_by_text("1 de 8 lecciones hechas").is_visible()

    # The language switch goes to the same lesson in English, with the progress.
    tab.follow("English")
    assert tab.path == "/program/understanding-your-knot/"
    assert tab.page.get_by_text("1 of 8 lessons done").is_visible()
    # An English address under /es/ goes to the Spanish lesson.
    tab.go("/es/program/building-your-back/")
    assert tab.path == "/es/program/fortalecer-la-espalda/"

    tab.go("/es/program/check-in/4/")
    _answer(tab, {"pain_now": "3", "limits_now": "3", "baseline_pain": "6", "baseline_limits": "5",
                  **NO_CHECK_FIRST})  # fmt: skip
    tab.submit("Ver mi resultado")
    assert tab.page.locator("[data-advice]").get_attribute("data-advice") == "better"
    tab.look("es-check-in-better", "Spanish check-in: better")
    tab.follow("Su plan para las recaídas")
    assert tab.path == "/es/program/automasaje-y-seguir-adelante/"
    heading = tab.page.get_by_role("heading", name="Su plan para las recaídas")
    assert heading.is_visible()

    # A lesson without its translation: shown in English, and the page says so.
    from clinic.program.models import Lesson

    Lesson.objects.filter(slug="movilidad-diaria").delete()
    tab.go("/es/program/daily-mobility/")
    assert tab.page.locator(".translation-notice").is_visible()
    assert tab.page.locator("h1").get_attribute("lang") == "en"
    tab.look("es-untranslated", "Spanish reader, lesson not yet translated")


def test_program_lessons_print_on_one_page(open_browser, program):
    """Each lesson, in each language, prints on one US letter page (the print styles in
    _program.scss): no site header, footer, buttons or forms, two columns with the drawings
    beside their steps."""
    from clinic.program.models import Lesson

    tab = open_browser("desktop")
    tab.go("/program/start/")
    _answer(tab, GATE_CLEAR)
    tab.submit("See if I can start")
    tab.page.emulate_media(media="print")
    lessons = Lesson.objects.order_by("language", "order")
    assert {lesson.language for lesson in lessons} == {"en", "es"}
    for lesson in lessons:
        tab.go(lesson.get_absolute_url())
        hidden = tab.page.evaluate(
            """() => ['.site-header', '.site-footer', '.lesson-actions', '.lesson-where']
                .every((s) => !document.querySelector(s) ||
                    getComputedStyle(document.querySelector(s)).display === 'none')"""
        )
        assert hidden, f"{lesson.slug}: the site's chrome or the buttons would print"
        pdf = tab.page.pdf(format="Letter")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{lesson.slug} prints on {pages} pages"
    tab.page.emulate_media(media="screen")
