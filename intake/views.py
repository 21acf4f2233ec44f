from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.core import form_guard, ratelimit
from intake import articles, session, steps, wording
from intake.forms import ContactForm, SectionForm
from intake.submission import submit
from intake.triage import RULES_BY_ID, Level, assess


def _step_url(number: int) -> str:
    return f"{reverse('intake:form')}?step={number}"


def _completed(progress: dict) -> bool:
    """Every question step is answered: the check-your-answers page is open to them."""
    return progress.get("reached", 0) >= steps.LAST - 1


def _requested_step(request, progress: dict) -> int:
    """The step asked for, never past the first one not yet completed."""
    try:
        number = int(request.GET.get("step", "1"))
    except ValueError:
        number = 1
    return max(1, min(number, progress.get("reached", 0) + 1, steps.LAST))


GUARD_FIELDS = {"website", "started"}


def _form_for(step, data=None, initial=None):
    if step.section is None:
        return ContactForm(data=data, initial=initial)
    return SectionForm(step.section, data=data, initial=initial)


@never_cache
@require_http_methods(["GET", "POST"])
def intake_form(request):
    progress = session.progress(request)
    if request.method == "POST" and _is_repeat_of_final_post(request, progress):
        # The last step posted twice (double click, reload): the first one already counted.
        return redirect("intake:result")
    if request.method == "GET" and "step" not in request.GET:
        return _render_start(request, progress)
    number = _requested_step(request, progress)
    step = steps.get(number)
    # Opened from "Change" on the check-your-answers page: Next leads back there.
    changing = bool(request.GET.get("change")) and step.section is not None
    changing = changing and _completed(progress)

    if request.method == "GET":
        saved = progress.get("drafts", {}).get(str(number))
        if saved is None:
            saved = progress.get("answers", {}) if step.section else {}
        form = _form_for(step, initial=saved)
        return _render_step(request, step, form, progress=progress, changing=changing)

    if (wait := ratelimit.acquire(ratelimit.INTAKE_STEPS, request)) is not None:
        # Far more step posts than a person makes: a script. Nothing is stored.
        return ratelimit.refuse(render(request, "intake/too_many.html", status=429), wait)

    if request.POST.get("action") == "reconsider":
        # "I chose a wrong answer" on the emergency screen: back to the first step with every
        # answer kept, so the client can change the one that was wrong.
        session.forget_emergency(request)
        return HttpResponseRedirect(_step_url(1))

    form = _form_for(step, data=request.POST)
    valid = form.is_valid()
    # Only this step's answers that are valid are ever kept in the session: what a page can
    # send cannot grow it (the contact step's spam guards are never kept).
    answered = {
        k: v for k, v in form.cleaned_data.items() if k in form.fields and k not in GUARD_FIELDS
    }
    if step.section is not None:
        # Whatever was answered, even on the way back, shows the 911 screen at once.
        emergencies = _emergencies({**progress.get("answers", {}), **answered})
        if emergencies:
            progress.setdefault("drafts", {})[str(number)] = answered
            session.save_progress(request, progress)
            session.remember_emergency(request, emergencies)
            return redirect("intake:result")

    if request.POST.get("action") == "back":
        # Keep this step's valid answers and go back without complaints.
        progress.setdefault("drafts", {})[str(number)] = answered
        session.save_progress(request, progress)
        return HttpResponseRedirect(_step_url(max(1, number - 1)))

    if not valid:
        return _render_step(request, step, form, progress=progress, changing=changing)

    progress.get("drafts", {}).pop(str(number), None)
    if step.section is not None:
        progress["answers"] = {**progress.get("answers", {}), **form.answers()}
        progress["reached"] = max(progress.get("reached", 0), number)
        session.save_progress(request, progress)
        if changing:
            return HttpResponseRedirect(f"{_step_url(steps.LAST)}#check-{step.key}")
        return HttpResponseRedirect(_step_url(number + 1))

    admission = form_guard.admit(
        request,
        form,
        ratelimit.INTAKES,
        _(
            "Several pre-visit checks were sent from this connection in the last hour. Your "
            "answers are kept: please send again in %(minutes)s minutes, or call us."
        ),
    )
    if admission.resent:
        return redirect("intake:result")  # the same last step sent twice: one intake only
    if admission.wait is not None:
        return ratelimit.refuse(
            _render_step(request, step, form, progress=progress), admission.wait
        )
    intake = submit(progress.get("answers", {}), form.cleaned_data, shown_in=request.LANGUAGE_CODE)
    session.remember_result(request, intake)
    return redirect("intake:result")


def _emergencies(answers: dict) -> set[str]:
    """The EMERGENCY rules these answers fire for certain."""
    return {r for r in assess(answers).fired if RULES_BY_ID[r].level == Level.EMERGENCY}


def _is_repeat_of_final_post(request, progress: dict) -> bool:
    return (
        request.GET.get("step") == str(steps.LAST)
        and not progress.get("answers")
        and session.current_intake(request) is not None
    )


def _blocks(step, form) -> list[dict]:
    """The step's questions in runs: ungated ones, and each run asked under the same gate.
    Each question comes with its field and the answers that show the 911 panel beside it."""
    if step.section is None:
        return []
    return [
        {"gate": gate, "items": [(q, form[q.key], steps.emergency_answers(q)) for q in run]}
        for gate, run in groupby(step.section.questions, key=lambda q: q.gate_key)
    ]


def _render_start(request, progress: dict):
    """The check's first page: what it is for, how long it takes, what it asks and what
    happens to the answers. A check already under way on this device can be continued."""
    resume = None
    if progress.get("reached") or progress.get("drafts"):
        resume = min(progress.get("reached", 0) + 1, steps.LAST)
    return render(
        request,
        "intake/start.html",
        {
            "steps": steps.STEPS,
            "question_count": steps.QUESTION_COUNT,
            "minutes": steps.MINUTES,
            "resume_url": _step_url(resume) if resume else None,
            "first_url": _step_url(1),
            "idle_minutes": settings.INTAKE_IDLE_MINUTES,
        },
    )


def _render_step(request, step, form, *, progress: dict, changing: bool = False):
    is_last = step.number == steps.LAST
    return render(
        request,
        "intake/step.html",
        {
            "step": step,
            "steps": steps.STEPS,
            "form": form,
            "blocks": _blocks(step, form),
            "is_last": is_last,
            "changing": changing,
            "review": steps.review(progress.get("answers", {})) if is_last else None,
        },
    )


@never_cache
@require_http_methods(["GET"])
def result(request):
    emergency_ids = session.emergency_rules(request)
    intake = None if emergency_ids else session.current_intake(request)
    if not emergency_ids and intake is None:
        messages.info(request, _("Your result appears here once you finish the pre-visit check."))
        return redirect("intake:form")

    if emergency_ids:
        # Shown before consent: nothing is stored, so the words are made now.
        level, fired, cautions = Level.EMERGENCY, set(emergency_ids), set()
        shown = wording.snapshot(level, fired, (), None, language=request.LANGUAGE_CODE)
    else:
        level, fired, cautions = Level(intake.level), set(intake.fired), set(intake.cautions)
        shown = wording.of_intake(intake, request.LANGUAGE_CODE)

    return render(
        request,
        "intake/result.html",
        {
            "level": level,
            "label": level.label,
            "shown": shown,
            "sent_to_clinic": intake is not None,
            "incomplete": intake is not None and intake.emergency_screen_incomplete,
            "has_cautions": bool(cautions),
            "articles": articles.articles_for(level, fired, cautions),
            "continue_booking": session.return_path(request) is not None,
        },
    )
