"""The drawings an article can show at the end of its introduction, with their text alternatives.

An article's `figure` names one of these (chosen in the admin, or `figure:` in a content file's
front matter). Drawings inside the text itself are written in the Markdown (see rendering.py).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    label: Promise  # what the admin offers
    alt: Promise  # what a screen reader says


UPPER_BACK_KNOTS = "illustrations/upper-back-knots.svg"

FIGURES: dict[str, Figure] = {
    UPPER_BACK_KNOTS: Figure(
        label=_("The upper back and where knots often form"),
        alt=_(
            "The upper back seen from behind: the spine, both shoulder blades and the muscles "
            "between them, with warm spots marking common knots between the shoulder blades, "
            "along the top of the shoulders and at the base of the neck."
        ),
    ),
}

CHOICES = [(source, figure.label) for source, figure in FIGURES.items()]
