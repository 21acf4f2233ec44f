"""The production settings, with the collected static files in a folder of the bench's own.

`make bench` runs the site with DJANGO_SETTINGS_MODULE=bench_settings (bench/ on PYTHONPATH)
and DEBUG=0, so everything else is exactly clinic.settings as production loads it: WhiteNoise
with the manifest storage, the Redis cache, the security headers.

BENCH_PAGE_CACHE=0 (bench/server.py's uncached twin, and the in-process measurements of what a
first reader costs) sets PAGE_CACHE_ENABLED = False, the switch the page cache honours, and
drops Django's own cache middleware should any be listed.
"""

import os
from pathlib import Path

from clinic.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

if os.environ.get("BENCH_PAGE_CACHE") == "0":
    PAGE_CACHE_ENABLED = False
    MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("django.middleware.cache.")]  # noqa: F405
