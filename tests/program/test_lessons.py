from clinic.program import progress
from tests.program.helpers import start_program


def test_the_overview_lists_the_lessons_in_order(client, lessons, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/program/")
    page = response.content.decode()
    positions = [page.index(lesson.title) for lesson in lessons]
    assert positions == sorted(positions)
    assert "Week 1 · about 10 minutes" in page
    assert "Start the program" in page and 'href="/program/start/"' in page
    assert "best evidence" in page  # honest about the evidence


def test_a_lesson_page_before_starting(client, lessons, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(lessons[3].get_absolute_url())
    page = response.content.decode()
    assert lessons[3].title in page and "Mark as done" not in page
    assert "/static/img/program/" in page and 'loading="lazy"' in page
    assert 'rel="prev"' in page and 'rel="next"' in page
    assert "Sources" in page


def test_a_lesson_lists_its_related_articles(client, lessons):
    page = client.get(lessons[0].get_absolute_url()).content.decode()
    assert "Read more" in page
    assert 'href="/articles/when-upper-back-pain-is-not-a-knot/"' in page


def test_marking_done_moves_the_client_on(client, lessons):
    start_program(client)
    response = client.post(f"{lessons[0].get_absolute_url()}done/")
    assert response.status_code == 302 and response["Location"] == lessons[1].get_absolute_url()
    page = client.get(lessons[1].get_absolute_url()).content.decode()
    assert "Lesson 1 is done" in page
    assert "1 of 8 lessons done" in page
    assert f"You are on lesson 2: {lessons[1].title}" in page
    assert client.session[progress.SESSION_KEY]["done"] == [1]
    # Marked twice: still once.
    client.post(f"{lessons[0].get_absolute_url()}done/")
    assert client.session[progress.SESSION_KEY]["done"] == [1]


def test_a_lesson_out_of_order_can_be_read_and_says_where_the_client_is(client, lessons):
    start_program(client)
    page = client.get(lessons[5].get_absolute_url()).content.decode()
    assert lessons[5].title in page
    assert f"You are on lesson 1: {lessons[0].title}" in page
    assert f'href="{lessons[0].get_absolute_url()}">Go to it' in page
    assert "Mark as done" in page


def test_the_last_lesson_done_leads_back_to_the_overview(client, lessons):
    start_program(client)
    for lesson in lessons:
        response = client.post(f"{lesson.get_absolute_url()}done/")
    assert response["Location"] == "/program/"
    assert "You have done every lesson" in client.get("/program/").content.decode()


def test_lesson_2_asks_for_the_starting_point(client, lessons):
    start_program(client)
    url = lessons[1].get_absolute_url()
    assert "Save your starting point" in client.get(url).content.decode()
    response = client.post("/program/baseline/", {"pain": "6"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose how much your pain limits your day, from 0 to 10." in page
    assert 'id="id_pain_6" checked' in page
    assert "baseline" not in client.session[progress.SESSION_KEY]
    response = client.post("/program/baseline/", {"pain": "6", "limits": "5"})
    assert response.status_code == 302
    assert client.session[progress.SESSION_KEY]["baseline"] == [6, 5]
    assert "Saved: pain 6 out of 10" in client.get(url).content.decode()


def test_an_unknown_lesson_is_a_404(client, lessons):
    assert client.get("/program/no-such-lesson/").status_code == 404


def test_forgetting_clears_the_device(client, lessons):
    start_program(client)
    client.post("/program/forget/")
    assert progress.SESSION_KEY not in client.session


def test_the_gate_page_queries_stay_bounded(client, lessons, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/program/start/").status_code == 200
