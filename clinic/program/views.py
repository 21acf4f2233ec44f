"""The program's pages. Thin: the gate's scoring is gate.py, progress and check-ins are
progress.py, email enrolment is enrolment.py. Nothing a client answers goes in a URL or a log;
the session keeps only outcome levels (progress.py)."""

from itertools import groupby

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clinic.core import form_guard, ratelimit
from clinic.program import enrolment, lessons, progress
from clinic.program.forms import (
    BaselineForm,
    CheckInForm,
    DoctorOkForm,
    EmailForm,
    GateForm,
)
from clinic.program.gate import CHECK_FIRST_SECTION, PROGRAM_SECTION, score_check_first, score_gate
from clinic.program.models import CHECK_IN_WEEKS, Lesson
from education.rendering import for_display
from intake.triage import Level

BASELINE_LESSON = 2


def _lessons(request) -> list[Lesson]:
    return lessons.offered(request.LANGUAGE_CODE)


def _where(request, offered: list[Lesson]) -> dict:
    """Where the client is: for the overview, each lesson page and the check-ins. Progress is
    kept by the lessons' places (order), the same in every language."""
    done = progress.done_orders(request)
    started = progress.has_started(request)
    return {
        "started": started,
        "gate": progress.gate_level(request),
        "done": done,
        "done_count": len(done & {lesson.order for lesson in offered}),
        "current": progress.next_lesson(offered, done) if started else None,
        "lesson_count": len(offered),
        "enrolled": progress.enrolment_id(request) is not None,
    }


def _email_form(request) -> EmailForm:
    return EmailForm(initial={"language": request.LANGUAGE_CODE})


def _overview_page(request, email_form=None, status: int = 200):
    offered = _lessons(request)
    context = _where(request, offered)
    context.update(
        lessons=offered,
        check_in_weeks=CHECK_IN_WEEKS,
        check_ins={week: progress.check_in_level(request, week) for week in CHECK_IN_WEEKS},
        email_form=email_form or _email_form(request),
    )
    return render(request, "program/overview.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def overview(request):
    return _overview_page(request)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    if request.method == "GET":
        level = progress.gate_level(request)
        if level is not None and request.GET.get("again") is None:
            return _gate_result(request, level, shown=None)
        return _render_gate(request, GateForm())
    if (wait := ratelimit.acquire(ratelimit.INTAKE_STEPS, request)) is not None:
        return ratelimit.refuse(render(request, "intake/too_many.html", status=429), wait)
    form = GateForm(data=request.POST)
    if not form.is_valid():
        return _render_gate(request, form)

    scored = score_gate(form.answers())
    progress.record_gate(request, scored.level)
    return _gate_result(
        request, scored.level, shown=scored.shown(request.LANGUAGE_CODE), cautions=scored.cautions
    )


def _pairs(form, section) -> list:
    return [(question, form[question.key]) for question in section.questions]


def _render_gate(request, form):
    return render(
        request,
        "program/start.html",
        {
            "form": form,
            "check_first": _pairs(form, CHECK_FIRST_SECTION),
            "blocks": [
                {"gate": gate, "items": [(q, form[q.key]) for q in run]}
                for gate, run in groupby(PROGRAM_SECTION.questions, key=lambda q: q.gate_key)
            ],
            "check_first_section": CHECK_FIRST_SECTION,
            "program_section": PROGRAM_SECTION,
        },
        status=400 if form.errors else 200,
    )


def _gate_result(request, level: Level, *, shown: dict | None, email_form=None, cautions=()):
    """The gate's outcome. Shown right after the answers with the reasons; later (from the
    session's level alone) without them."""
    offered = _lessons(request) if level.rank < Level.MEDICAL.rank else []
    return render(
        request,
        "program/gate_result.html",
        {
            "level": level,
            "shown": shown,
            "first_lesson": offered[0] if offered else None,
            "email_form": email_form or _email_form(request),
            "enrolled": progress.enrolment_id(request) is not None,
            "cautions": set(cautions),
        },
        status=400 if email_form is not None and email_form.errors else 200,
    )


def _lesson_page(request, lesson: Lesson, baseline_form=None, status: int = 200):
    offered = _lessons(request)
    previous, following = progress.neighbours(offered, lesson)
    context = _where(request, offered)
    context.update(
        lesson=lesson,
        # An English lesson shown to a reader of another language: said on the page, and
        # its text marked as English for screen readers.
        lesson_lang=lesson.language if lesson.language != request.LANGUAGE_CODE else "",
        alternates=lessons.alternates(lesson),
        body=for_display(lesson.body_html),
        previous=previous,
        following=following,
        is_done=lesson.order in context["done"],
        related=lessons.related_articles(lesson, request.LANGUAGE_CODE),
        asks_baseline=lesson.order == BASELINE_LESSON and context["started"],
        baseline=progress.baseline(request),
        baseline_form=baseline_form or BaselineForm(),
    )
    return render(request, "program/lesson.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def lesson(request, slug):
    found = lessons.find(slug, request.LANGUAGE_CODE)
    if found is None:
        raise Http404
    if found.redirect_to:
        return redirect(found.redirect_to)
    return _lesson_page(request, found.lesson)


@require_POST
def mark_done(request, slug):
    lesson = get_object_or_404(Lesson, slug=slug)
    if not progress.has_started(request):
        messages.info(request, _("Answer the safety questions first: then your progress is kept."))
        return redirect("program:start")
    progress.mark_done(request, lesson)
    following = lessons.at_order(request.LANGUAGE_CODE, lesson.order + 1)
    messages.success(request, _("Lesson %(number)s is done. Well done.") % {"number": lesson.order})
    if following is not None:
        return redirect(following)
    return redirect("program:overview")


@require_POST
def save_baseline(request):
    lesson = lessons.at_order(request.LANGUAGE_CODE, BASELINE_LESSON)
    if lesson is None:
        raise Http404
    if not progress.has_started(request):
        return redirect("program:start")
    form = BaselineForm(data=request.POST)
    if not form.is_valid():
        return _lesson_page(request, lesson, baseline_form=form, status=400)
    progress.set_baseline(request, form.cleaned_data["pain"], form.cleaned_data["limits"])
    messages.success(request, _("Your starting point is saved. The check-ins compare with it."))
    return redirect(lesson.get_absolute_url() + "#your-starting-point")


@never_cache
@require_http_methods(["GET", "POST"])
def check_in(request, week):
    if week not in CHECK_IN_WEEKS:
        raise Http404
    if not progress.has_started(request):
        messages.info(request, _("The check-ins are part of the program: start it first."))
        return redirect("program:start")
    base = progress.baseline(request)
    if request.method == "GET":
        return _render_check_in(request, week, CheckInForm(ask_baseline=base is None))
    if (wait := ratelimit.acquire(ratelimit.INTAKE_STEPS, request)) is not None:
        return ratelimit.refuse(render(request, "intake/too_many.html", status=429), wait)
    form = CheckInForm(data=request.POST, ask_baseline=base is None)
    if not form.is_valid():
        return _render_check_in(request, week, form)
    data = form.cleaned_data
    if base is None:
        base = (data["baseline_pain"], data["baseline_limits"])
        progress.set_baseline(request, *base)
    outcome = progress.assess_check_in(
        week,
        base,
        data["pain_now"],
        data["limits_now"],
        form.check_first(),
        start=progress.started_at(request),
        now=timezone.now(),
    )
    progress.record_check_in(
        request, outcome, data["pain_now"], data["limits_now"], form.check_first()
    )
    return render(
        request,
        "program/check_in_result.html",
        {
            "week": week,
            "outcome": outcome,
            "level": outcome.level,
            "advice": outcome.advice,
            "shown": outcome.scored.shown(request.LANGUAGE_CODE),
            "flare_up_url": lessons.flare_up_url(request.LANGUAGE_CODE),
        },
    )


def _render_check_in(request, week, form):
    return render(
        request,
        "program/check_in.html",
        {
            "week": week,
            "form": form,
            "scores": [form[name] for name in form.score_names],
            "check_first": _pairs(form, CHECK_FIRST_SECTION),
            "check_first_section": CHECK_FIRST_SECTION,
            "previous_level": progress.check_in_level(request, week),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def give_email(request):
    """Keep the program by email: after the gate let it start, or, when it said see a doctor
    first, to start once the doctor agrees."""
    level = progress.gate_level(request)
    started = progress.has_started(request)
    if not started and level != Level.MEDICAL:
        return redirect("program:start")
    form = EmailForm(data=request.POST)
    if form.is_valid():
        admission = form_guard.admit(
            request,
            form,
            ratelimit.MY_LINKS,
            _(
                "Several emails were asked for from this connection. Please try again in "
                "%(minutes)s minutes."
            ),
        )
        if admission.resent:
            return redirect("program:email_sent")
        if admission.ok:
            # This browser is linked to the enrolment only through the emailed link: typing
            # someone's address never gives this browser their record.
            enrolment.ask(
                form.cleaned_data["email"],
                form.cleaned_data["language"],
                needs_doctor_ok=not started,
                started_at=progress.started_at(request),
                done=progress.done_orders(request),
                baseline=progress.baseline(request),
            )
            return redirect("program:email_sent")
    if not started:
        return _gate_result(request, level, shown=None, email_form=form)
    return _overview_page(request, email_form=form, status=400)


@never_cache
def email_sent(request):
    return render(request, "program/email_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    row = enrolment.read_token(token, "confirm")
    if row is None:
        return render(request, "program/link_ended.html", status=404)
    if request.method == "GET":
        return render(
            request,
            "program/confirm.html",
            {"row": row, "done_already": row.confirmed_at is not None},
        )
    if row.needs_doctor_ok:
        return redirect(enrolment.link(row, "doctor_ok", request.LANGUAGE_CODE))
    newly = enrolment.confirm(row)
    progress.resume(request, row)
    if newly:
        messages.success(
            request, _("Your email is confirmed. Your next lesson comes by email each week.")
        )
    else:
        messages.info(request, _("Your email was already confirmed. Nothing has changed."))
    return redirect("program:overview")


@never_cache
@require_http_methods(["GET", "POST"])
def doctor_ok(request, token):
    """The way back for a client whose gate said see a doctor first: their doctor's OK, and
    the check-first questions again (a new warning sign still stops the start)."""
    row = enrolment.read_token(token, "doctor_ok")
    if row is None or row.unsubscribed_at is not None:
        return render(request, "program/link_ended.html", status=404)
    if row.started_at is not None and not row.needs_doctor_ok:
        progress.resume(request, row)
        return redirect("program:overview")
    form = DoctorOkForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        scored = score_check_first(form.answers())
        progress.link_enrolment(request, row)
        if row.confirmed_at is None:
            enrolment.confirm(row)
        progress.record_gate(request, scored.level)
        return _gate_result(
            request,
            scored.level,
            shown=scored.shown(request.LANGUAGE_CODE),
            cautions=scored.cautions,
        )
    return render(
        request,
        "program/doctor_ok.html",
        {"form": form, "check_first": _pairs(form, CHECK_FIRST_SECTION)},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    row = enrolment.read_token(token, "unsubscribe")
    if row is None:
        return render(request, "program/link_ended.html", status=404)
    if request.method == "POST":
        enrolment.unsubscribe(row)
        if progress.enrolment_id(request) == row.pk:
            progress.forget(request)
        return render(request, "program/unsubscribe.html", {"row": row, "done": True})
    return render(
        request, "program/unsubscribe.html", {"row": row, "done": row.unsubscribed_at is not None}
    )


@never_cache
def resume(request, token):
    row = enrolment.read_token(token, "resume")
    if row is None or row.unsubscribed_at is not None:
        return render(request, "program/link_ended.html", status=404)
    progress.resume(request, row)
    return redirect("program:overview")


@require_POST
def forget(request):
    progress.forget(request)
    messages.info(request, _("Nothing of the program is kept on this device any more."))
    return redirect("program:overview")
