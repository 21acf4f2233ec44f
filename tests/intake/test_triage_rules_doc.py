"""docs/triage-rules.md is exactly what `manage.py triage_rules` prints, and valid Markdown."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from intake.management.commands.triage_rules import cell, code, render
from intake.triage import CAUTIONS, RULES, RULES_VERSION, SELF_CARE_RULE

DOC = Path(__file__).resolve().parents[2] / "docs" / "triage-rules.md"


def printed() -> str:
    out = StringIO()
    call_command("triage_rules", stdout=out)
    return out.getvalue()


def test_the_committed_doc_is_what_the_command_prints():
    assert DOC.read_text() == printed(), (
        "docs/triage-rules.md is out of date: "
        ".venv/bin/python manage.py triage_rules > docs/triage-rules.md"
    )


def test_every_rule_and_caution_is_listed_once_with_its_condition():
    text = printed()
    assert f"`{RULES_VERSION}`" in text
    for item in (*RULES, SELF_CARE_RULE, *CAUTIONS):
        assert text.count(f"| `{item.id}` | `{item.condition_text}` |") == 1


def cells(row: str) -> list[str]:
    """The cells of a table row, split at the pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_every_table_row_has_as_many_cells_as_its_header():
    tables, current = [], []
    for line in render().splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables, current = [*tables, current], []
    tables += [current] if current else []
    assert len(tables) == 5  # four levels and the cautions
    for header, rule, *rows in tables:
        assert re.fullmatch(r"\|(---\|)+", rule)
        assert rows
        for row in rows:
            assert len(cells(row)) == len(cells(header)), row


def test_cells_escape_pipes_and_stay_on_one_line():
    assert cell("a | b\nc") == r"a \| b c"
    assert cells(f"| {cell('x|y')} | {cell(code('p | q'))} |") == [r" x\|y ", r" `p \| q` "]
    assert code("a `b` c") == "`` a `b` c ``"
