"""The production settings, with the collected static files in a folder of the bench's own.

`make bench` runs the site with DJANGO_SETTINGS_MODULE=bench_settings (bench/ on PYTHONPATH)
and DEBUG=0, so everything else is exactly clinic.settings as production loads it: WhiteNoise
with the manifest storage, the Redis cache, the security headers.
"""

import os
from pathlib import Path

from clinic.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
