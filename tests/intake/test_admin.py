import pytest
from django.db import IntegrityError, transaction

from intake.models import Intake, IntakeAccess
from tests.factories import make_submitted_intake

pytestmark = pytest.mark.django_db


def change_url(intake):
    return f"/admin/intake/intake/{intake.pk}/change/"


def test_front_desk_sees_no_intakes(front_desk_client):
    intake = make_submitted_intake()
    assert front_desk_client.get("/admin/intake/intake/").status_code == 403
    assert front_desk_client.get(change_url(intake)).status_code == 403
    assert front_desk_client.get("/admin/intake/intake/rules/").status_code == 403
    assert "Intakes" not in front_desk_client.get("/admin/").content.decode()
    assert not IntakeAccess.objects.exists()


def test_list_shows_level_in_words_unreviewed_and_most_severe_first(therapist_client, therapist):
    calm = make_submitted_intake(name="Calm One")
    reviewed = make_submitted_intake(name="Seen Already", fever="feels_feverish")
    from intake import reviewing

    reviewing.mark_reviewed(reviewed, therapist)
    urgent = make_submitted_intake(name="Needs Doctor", night_pain="wakes_no_ease")
    html = therapist_client.get("/admin/intake/intake/").content.decode()
    assert "See a doctor first" in html and "Self-care" in html
    assert 'class="level-badge level-MEDICAL"' in html
    assert html.index(urgent.name) < html.index(calm.name) < html.index(reviewed.name)


def test_list_filters_and_search(therapist_client):
    make_submitted_intake(name="Has Caution", blood_thinner="yes")
    make_submitted_intake(name="No Caution")
    html = therapist_client.get("/admin/intake/intake/?cautions=yes").content.decode()
    assert "Has Caution" in html and "No Caution" not in html
    html = therapist_client.get("/admin/intake/intake/?q=no+caution").content.decode()
    assert "No Caution" in html and "Has Caution" not in html
    html = therapist_client.get("/admin/intake/intake/?level__exact=SELF_CARE").content.decode()
    assert "No Caution" in html


def test_therapist_sees_triggers_highlighted_with_the_rules_note(therapist_client):
    intake = make_submitted_intake(hand_clumsy_or_balance="yes", blood_thinner="yes")
    html = therapist_client.get(change_url(intake)).content.decode()
    assert 'id="finding-M09_SPINAL_CORD_SIGNS"' in html
    assert "Possible degenerative cervical myelopathy" in html
    assert '<tr class="triggered" data-question="hand_clumsy_or_balance">' in html
    assert '<tr class="triggered" data-question="blood_thinner">' in html
    assert '<tr data-question="arm_weakness">' in html
    assert 'id="finding-C01_BLOOD_THINNER"' in html


def test_possible_rules_and_flags_are_shown(therapist_client):
    intake = make_submitted_intake(stroke_signs_now=None)
    html = therapist_client.get(change_url(intake)).content.decode()
    assert "Emergency questions unanswered: call today" in html
    assert 'class="finding possible" id="finding-E06_STROKE_SIGNS"' in html


def test_opening_an_intake_records_the_access_and_shows_it(therapist_client, therapist):
    intake = make_submitted_intake()
    therapist_client.get(change_url(intake))
    html = therapist_client.get(change_url(intake)).content.decode()
    accesses = IntakeAccess.objects.filter(intake=intake, user=therapist, action="viewed")
    assert accesses.count() == 2
    assert "Who opened this intake" in html and str(therapist) in html


def test_clearing_a_medical_intake_needs_a_note(therapist_client):
    intake = make_submitted_intake(recent_fracture="yes")
    response = therapist_client.post(change_url(intake), {"decision": "cleared", "note": "  "})
    assert response.status_code == 200
    assert "Write a note saying how it was cleared" in response.content.decode()
    intake.refresh_from_db()
    assert intake.review_status == "new"
    response = therapist_client.post(
        change_url(intake), {"decision": "cleared", "note": "Doctor's OK seen, letter on file"}
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.review_status == "cleared" and intake.reviewed_by is not None
    assert intake.cleared_for_booking
    assert IntakeAccess.objects.filter(intake=intake, action="cleared").exists()


def test_self_care_intake_can_be_cleared_without_a_note(therapist_client):
    intake = make_submitted_intake()
    therapist_client.post(change_url(intake), {"decision": "cleared", "note": ""})
    intake.refresh_from_db()
    assert intake.review_status == "cleared"


def test_refer_and_mark_reviewed(therapist_client):
    intake = make_submitted_intake()
    therapist_client.post(change_url(intake), {"decision": "referred", "note": "GP first"})
    intake.refresh_from_db()
    assert (intake.review_status, intake.review_note) == ("referred", "GP first")


def test_referring_asks_for_a_reason_and_the_decisions_come_before_the_answers(
    therapist_client,
):
    intake = make_submitted_intake()
    html = therapist_client.post(
        change_url(intake), {"decision": "referred", "note": " "}
    ).content.decode()
    assert "Write why you refer the client to a doctor." in html
    intake.refresh_from_db()
    assert intake.review_status == "new"
    # The three decisions sit near the top, above what the client was told and the answers.
    assert html.index('value="cleared"') < html.index("What the client was told")
    assert html.index('value="referred"') < html.index("<h2>Answers</h2>")


def test_answers_cannot_be_changed_after_submission():
    intake = make_submitted_intake()
    intake.answers["chest_pain_now"] = "yes"
    with pytest.raises(IntegrityError), transaction.atomic():
        intake.save()
    with pytest.raises(Exception, match="cannot be changed"), transaction.atomic():
        Intake.objects.filter(pk=intake.pk).update(level="SELF_CARE", fired=[])


def test_no_add_or_delete_in_the_admin(therapist_client):
    intake = make_submitted_intake()
    assert therapist_client.get("/admin/intake/intake/add/").status_code == 403
    assert therapist_client.get(f"/admin/intake/intake/{intake.pk}/delete/").status_code == 403


def test_rules_reference_lists_every_rule_and_caution(therapist_client):
    from intake.triage import CAUTIONS, RULES, RULES_VERSION

    html = therapist_client.get("/admin/intake/intake/rules/").content.decode()
    for item in (*RULES, *CAUTIONS):
        assert f'<tr id="{item.id}">' in html
    assert RULES_VERSION in html
    assert "Deep vein clot" not in html  # the client's reasons are not the therapist's notes


def test_query_counts_stay_bounded_with_200_intakes(
    therapist_client, django_assert_max_num_queries
):
    from intake.models import Intake

    first = make_submitted_intake(name="N", email="n@example.com")
    Intake.objects.bulk_create(
        Intake(
            **{
                f.attname: getattr(first, f.attname)
                for f in Intake._meta.concrete_fields
                if f.attname != "id"
            }
        )
        for _ in range(199)
    )
    therapist_client.get("/admin/intake/intake/")  # a warm site: clinic settings cached
    with django_assert_max_num_queries(10):
        assert therapist_client.get("/admin/intake/intake/").status_code == 200
    for _ in range(5):
        therapist_client.get(change_url(first))
    with django_assert_max_num_queries(12):
        assert therapist_client.get(change_url(first)).status_code == 200


def test_the_review_never_says_self_care_beside_a_doctor_first_badge(therapist_client):
    from tests.factories import make_intake

    intake = make_intake(
        "MEDICAL",
        flags=["EMERGENCY_SCREEN_INCOMPLETE"],
        fired=[],
        fired_unknown=["E01_CHEST_PAIN_NOW"],
    )
    html = therapist_client.get(change_url(intake)).content.decode()
    assert "See a doctor first" in html
    assert "None: self-care level" not in html
    assert "rules that may apply because answers are missing" in html
    # Rules read as plain titles first, the id beside them.
    assert (
        '<strong>Chest pain now</strong> <small class="rule-id">E01_CHEST_PAIN_NOW</small>' in html
    )
