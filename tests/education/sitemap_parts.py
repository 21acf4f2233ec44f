"""Reading the sitemap as a search engine does: the index at /sitemap.xml, then each part."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def part_addresses(client, **headers) -> list[str]:
    index = ET.fromstring(client.get("/sitemap.xml", **headers).content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    return [loc.text for loc in index.iter(f"{SITEMAP}loc")]


def sitemap_urls(client) -> list[ET.Element]:
    """Every <url> element of every part the index names."""
    urls = []
    for address in part_addresses(client):
        parts = urlsplit(address)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, address
        urls.extend(ET.fromstring(response.content).iter(f"{SITEMAP}url"))
    return urls


def sitemap_locations(client) -> list[str]:
    return [url.findtext(f"{SITEMAP}loc") for url in sitemap_urls(client)]
