"""What search engines read about an article: schema.org JSON-LD (MedicalWebPage)."""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from clinic.core.models import ClinicSettings
from education import rendering
from education.models import Article, Citation, Topic

# The characters that could end a <script> element or start markup, as JSON escapes.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def article_jsonld(
    article: Article, url: str, topics: Iterable[Topic], citations: Iterable[Citation]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": article.language,
        "author": {"@type": "Person", "name": article.author},
        "publisher": {"@type": "Organization", "name": ClinicSettings.load().name},
        "dateModified": _iso(article.updated_at),
    }
    if article.published_at:
        data["datePublished"] = _iso(article.published_at)
    if article.medical_reviewer:
        data["reviewedBy"] = {"@type": "Person", "name": article.medical_reviewer}
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    names = [topic.name for topic in topics]
    if names:
        data["keywords"] = ", ".join(names)
    addresses = [citation.url for citation in citations]
    if addresses:
        data["citation"] = addresses
    if article.figure:
        data["image"] = settings.SITE_URL + rendering.image_url(article.figure)
    return data


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> data block that no text inside can break out of.

    Browsers never execute this type, so the strict Content-Security-Policy does not apply.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')
