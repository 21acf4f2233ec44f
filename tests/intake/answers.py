"""Answer sets for intake tests."""

from intake.demo import DESK_WORKER

# A desk worker's ordinary knot: no rule but S01 fires.
BENIGN = DESK_WORKER


def benign(**changes):
    return {**BENIGN, **changes}
