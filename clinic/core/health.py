"""/healthz: the answer a load balancer or compose asks for every few seconds.

It is given by the first middleware, before the rest of the stack: a health check needs no
session, language, CSRF, page cache or template, and a probe that passes through all of them
measures them rather than the process. It also answers whatever Host the probe sends (a
container's own address is rarely in ALLOWED_HOSTS) and over plain HTTP behind the proxy.
Only a failing check is logged: a probe every few seconds would otherwise fill the log.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse

PATH = "/healthz"
logger = logging.getLogger("clinic.health")

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


def database_answers() -> bool:
    """One round trip: Django's own liveness query on the kept connection (opening one if
    there is none), rather than a cursor, whose first use would run that query before ours.
    A kept connection the server dropped (a restart, an idle timeout) is replaced once, as a
    page's first query would replace it: only a new connection that fails means "down"."""
    for _attempt in range(2):
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            logger.error("health check: no connection to the database (%s)", type(error).__name__)
            return False
        if connection.is_usable():
            return True
        connection.close()
    logger.error("health check: the database did not answer")
    return False


def check() -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    if not database_answers():
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    for name, value in HEADERS.items():
        response[name] = value
    return response


def health_check(get_response):
    def middleware(request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return check()
        return get_response(request)

    return middleware
