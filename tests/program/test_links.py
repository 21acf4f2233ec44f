"""The program is offered where it helps, and not where a doctor must come first."""

import time

import pytest

from intake.session import RESULT_KEY
from tests.factories import make_article, make_submitted_intake

pytestmark = pytest.mark.django_db

OFFER = 'href="/program/"'


def result_page(client, **answers) -> str:
    intake = make_submitted_intake(**answers)
    session = client.session
    session[RESULT_KEY] = {"pk": intake.pk, "at": time.time()}
    session.save()
    return client.get("/intake/result/").content.decode()


def test_self_care_and_professional_results_offer_the_program(client):
    assert OFFER in result_page(client)
    assert OFFER in result_page(client, episodes_past_12_months=3)


def test_a_doctor_first_or_emergency_result_does_not(client):
    assert OFFER not in result_page(client, recent_fracture="yes")
    assert OFFER not in result_page(client, chest_pain_now="yes")


def test_an_article_offers_the_program(client):
    article = make_article()
    assert OFFER in client.get(article.get_absolute_url()).content.decode()
