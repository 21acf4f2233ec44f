import datetime as dt

import pytest
from django.utils import timezone

from clinic.program import progress
from clinic.program.models import CheckIn
from intake.triage import Level
from tests.program.helpers import GATE_CLEAR, check_in, start_program


@pytest.mark.parametrize(
    ("base", "now", "trend"),
    [
        ((6, 5), (4, 5), "better"),  # 2 points down
        ((3, 3), (2, 3), "better"),  # 33% down
        ((6, 5), (5, 5), "same"),  # 1 point: not clearly better
        ((6, 5), (7, 6), "same"),  # 1 point up: a wobble
        ((6, 5), (8, 5), "worse"),
        ((6, 5), (6, 7), "worse"),  # limits the day more
        ((6, 5), (3, 7), "worse"),  # less pain but limited more: worse wins
    ],
)
def test_the_comparison_with_the_baseline(base, now, trend):
    assert progress.compare(base, *now) == trend


def _started(client, baseline=(6, 5)):
    start_program(client)
    if baseline:
        client.post("/program/baseline/", {"pain": str(baseline[0]), "limits": str(baseline[1])})


def test_worse_at_week_2_sends_the_client_to_a_therapist(client, lessons):
    _started(client)
    response = client.post("/program/check-in/2/", check_in(8, 7))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-advice="therapist"' in page and 'data-program-level="PROFESSIONAL"' in page
    assert 'data-rule="P07_GETTING_WORSE_EARLY"' in page
    assert 'href="/book/"' in page and "see your doctor" in page
    assert client.session[progress.SESSION_KEY]["check_ins"] == {"2": "PROFESSIONAL"}


def test_worse_at_week_6_says_see_a_doctor(client, lessons):
    _started(client)
    page = client.post("/program/check-in/6/", check_in(8, 5)).content.decode()
    assert 'data-advice="doctor"' in page
    assert 'data-rule="M20_WORSENING_AFTER_4_WEEKS"' in page


def test_not_clearly_better_by_week_4_suggests_a_session_or_a_doctor(client, lessons):
    _started(client)
    page = client.post("/program/check-in/4/", check_in(5, 5)).content.decode()
    assert 'data-advice="therapist"' in page
    assert "not clearly better" in page
    assert 'data-rule="P01_NOT_SETTLING_AFTER_2_WEEKS"' in page  # P01, in the intake's words


def test_the_same_at_week_2_keeps_going(client, lessons):
    _started(client)
    page = client.post("/program/check-in/2/", check_in(6, 5)).content.decode()
    assert 'data-advice="same"' in page and "Keep going" in page


def test_better_keeps_going_with_the_flare_up_plan(client, lessons):
    _started(client)
    page = client.post("/program/check-in/4/", check_in(3, 3)).content.decode()
    assert 'data-advice="better"' in page
    assert 'href="/program/self-massage-and-keeping-it-going/#section-your-flare-up-plan"' in page


def test_a_new_emergency_sign_shows_the_911_screen(client, lessons):
    _started(client)
    page = client.post(
        "/program/check-in/2/", check_in(3, 3, breathless_now="yes")
    ).content.decode()
    assert 'data-advice="emergency"' in page and "Call 911 now" in page
    assert 'href="tel:911"' in page and 'data-rule="E03_NEW_BREATHLESSNESS"' in page


def test_a_new_medical_sign_says_see_a_doctor(client, lessons):
    _started(client)
    page = client.post(
        "/program/check-in/2/", check_in(3, 3, coughing_blood="yes")
    ).content.decode()
    assert 'data-advice="doctor"' in page and "Please see a doctor" in page
    assert "When: today" in page


def test_missing_answers_are_refused_with_the_field_messages(client, lessons):
    _started(client)
    answers = check_in(5, 5)
    del answers["pain_now"], answers["coughing_blood"]
    response = client.post("/program/check-in/2/", answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose your pain right now, from 0 to 10." in page
    assert "Say whether you have coughed up blood in the last 7 days." in page
    assert 'id="id_limits_now_5" checked' in page  # nothing typed is lost
    assert "check_ins" not in client.session[progress.SESSION_KEY]


def test_without_a_baseline_the_first_check_in_asks_for_it(client, lessons):
    _started(client, baseline=None)
    page = client.get("/program/check-in/2/").content.decode()
    assert "Your pain when you started the program" in page
    response = client.post("/program/check-in/2/", check_in(5, 5))
    assert response.status_code == 400
    assert "Choose how bad your pain was when you started" in response.content.decode()
    answers = {**check_in(8, 5), "baseline_pain": "5", "baseline_limits": "5"}
    page = client.post("/program/check-in/2/", answers).content.decode()
    assert 'data-advice="therapist"' in page
    assert client.session[progress.SESSION_KEY]["baseline"] == [5, 5]


def test_check_ins_need_a_started_program_and_a_check_in_week(client, lessons):
    assert client.get("/program/check-in/2/")["Location"] == "/program/start/"
    _started(client)
    assert client.get("/program/check-in/3/").status_code == 404


def test_the_check_in_page_queries_stay_bounded(client, lessons, django_assert_max_num_queries):
    _started(client)
    with django_assert_max_num_queries(6):
        assert client.get("/program/check-in/4/").status_code == 200


def test_a_late_check_in_counts_the_real_days():
    start = timezone.now() - dt.timedelta(days=20)
    answers = dict.fromkeys(progress.CHECK_FIRST_KEYS, "no")
    outcome = progress.assess_check_in(2, (5, 5), 5, 5, answers, start=start, now=timezone.now())
    # Twenty days in and not better: P01 fires although it is the week 2 check-in.
    assert outcome.level == Level.PROFESSIONAL
    assert "P01_NOT_SETTLING_AFTER_2_WEEKS" in outcome.scored.rules


def test_an_enrolled_client_s_check_in_is_stored(client, lessons):
    from clinic.program.models import Enrolment

    _started(client)
    row = Enrolment.objects.create(email="rosa@example.com", started_at=timezone.now())
    session = client.session
    session[progress.SESSION_KEY] = {**session[progress.SESSION_KEY], "enrolment": row.pk}
    session.save()
    client.post("/program/check-in/2/", check_in(8, 7))
    stored = CheckIn.objects.get(enrolment=row)
    assert (stored.week, stored.pain_now, stored.trend, stored.level) == (
        2,
        8,
        "worse",
        "PROFESSIONAL",
    )


def test_a_warning_sign_at_a_check_in_pauses_the_program(client, lessons):
    _started(client)
    client.post(f"{lessons[0].get_absolute_url()}done/")
    client.post("/program/check-in/2/", check_in(3, 3, coughing_blood="yes"))
    page = client.get(lessons[1].get_absolute_url()).content.decode()
    assert "see a doctor before starting" in page and "Mark as done" not in page
    # The safety questions taken again, with the doctor's OK, carry on where they left off.
    client.post("/program/start/", GATE_CLEAR)
    page = client.get(lessons[1].get_absolute_url()).content.decode()
    assert "1 of 8 lessons done" in page and "Mark as done" in page
