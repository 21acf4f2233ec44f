"""The reader's language comes from the address: English at /…, Spanish at /es/….

The address alone decides, so a page's HTML depends on its URL and nothing else: a shared cache
can keep it, a link sent by email opens in the language it was written in, and a search engine
finds each language at its own address. The language switch is a plain link to the same page in
the other language (see templatetags/languages.py), not a form that needs a cookie.

The back office is the exception: it has one address per page and follows the staff member's
browser language, as Django's LocaleMiddleware would.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def public_language(path: str) -> str:
    """The language of a public page: its address's prefix, else the default (English)."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def language_from_path(get_response):
    admin_prefix = "/" + settings.ADMIN_URL

    def middleware(request):
        path = request.path_info
        staff_side = path.startswith(admin_prefix)
        if staff_side:
            language = translation.get_language_from_request(request)
        else:
            language = public_language(path)
        # For this request only: the thread's next request starts from the default again.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = get_response(request)
        if staff_side:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    return middleware
