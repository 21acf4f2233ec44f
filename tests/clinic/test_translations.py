"""The Spanish catalogue is complete: every message translated, none left fuzzy (a fuzzy
entry is not used, so the reader would meet English)."""

import subprocess
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert checked.returncode == 0, checked.stderr
    statistics = checked.stderr.strip()
    assert "translated messages" in statistics
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics
