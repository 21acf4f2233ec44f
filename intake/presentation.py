"""An intake laid out for a therapist: the questionnaire by section with the answers that
triggered rules marked, and the rules, cautions and flags with their notes."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from intake.models import Intake
from intake.questions import SECTIONS, Question
from intake.triage import CAUTIONS_BY_ID, RULES_BY_ID, assess


@dataclass
class Row:
    question: Question
    answer: str
    triggered_by: list[str] = field(default_factory=list)


@dataclass
class Finding:
    id: str
    level: str
    note: str
    basis: str
    citation: str
    condition: str
    questions: list[str]

    @property
    def title(self) -> str:
        """A plain title a therapist reads first, from the rule's id: "E08_FAINTED_24H" ->
        "Fainted 24h" (the id stays beside it, smaller)."""
        return plain_title(self.id)


ACRONYMS = {"BP", "PMR", "GCA", "DVT", "ER", "TIA"}


def plain_title(finding_id: str) -> str:
    words = finding_id.split("_")[1:] or [finding_id]
    text = " ".join(word if word in ACRONYMS else word.lower() for word in words)
    return text[:1].upper() + text[1:]


def answer_text(question: Question, value) -> str:
    if value is None:
        return _("(not asked)") if question.gate_key else _("(no answer)")
    if question.kind == "number":
        return str(value)
    labels = dict(question.choices)
    if question.kind == "regions":
        return ", ".join(str(labels.get(v, v)) for v in value) or _("(none ticked)")
    return str(labels.get(value, value))


def triggers_of(intake: Intake) -> dict:
    """For each rule and caution, the questions whose answers set it off (current rules)."""
    return assess(intake.answers).triggers


def questionnaire(intake: Intake, triggers: dict) -> list[tuple]:
    shown = set(intake.fired) | set(intake.fired_unknown)
    shown |= set(intake.cautions) | set(intake.cautions_unknown)
    by_question: dict[str, list[str]] = {}
    for finding_id in sorted(shown):
        for key in triggers.get(finding_id, ()):
            by_question.setdefault(key, []).append(finding_id)
    return [
        (
            section,
            [
                Row(q, answer_text(q, intake.answers.get(q.key)), by_question.get(q.key, []))
                for q in section.questions
            ],
        )
        for section in SECTIONS
    ]


def findings(ids, triggers: dict, *, cautions: bool = False) -> list[Finding]:
    catalogue = CAUTIONS_BY_ID if cautions else RULES_BY_ID
    out = []
    for finding_id in sorted(ids):
        item = catalogue.get(finding_id)
        if item is None:  # a rule of an older rules version
            out.append(Finding(finding_id, "", _("Not in the current rules."), "", "", "", []))
            continue
        questions = [
            str(q.text)
            for section in SECTIONS
            for q in section.questions
            if q.key in triggers.get(finding_id, ())
        ]
        out.append(
            Finding(
                finding_id,
                "CAUTION" if cautions else item.level,
                item.therapist_note,
                item.basis,
                item.citation,
                item.condition_text,
                questions,
            )
        )
    return out


def as_text(intake: Intake) -> str:
    """The intake as a plain-text document, for a therapist who must pass it on by hand."""
    lines = [
        f"{intake} - {intake.name} <{intake.email}> {intake.phone}".rstrip(),
        f"{_('Submitted')}: {intake.created_at:%Y-%m-%d %H:%M %Z}",
        f"{_('Level')}: {intake.get_level_display()}"
        + (
            f" ({_('see a doctor')}: {intake.see_doctor_within})"
            if intake.see_doctor_within
            else ""
        ),
        f"{_('Rules fired')}: {', '.join(intake.fired) or '-'}",
        f"{_('Rules that may apply')}: {', '.join(intake.fired_unknown) or '-'}",
        f"{_('Cautions')}: {', '.join([*intake.cautions, *intake.cautions_unknown]) or '-'}",
        f"{_('Review')}: {intake.get_review_status_display()} {intake.review_note}".rstrip(),
        f"{_('Versions')}: rules {intake.rules_version}, questions {intake.catalogue_version}",
    ]
    for section, rows in questionnaire(intake, triggers_of(intake)):
        lines += ["", str(section.title).upper()]
        for row in rows:
            mark = " *" if row.triggered_by else ""
            lines.append(f"- {row.question.text}\n  {row.answer}{mark}")
    return "\n".join(lines) + "\n"
