"""Therapist photos: uploaded in the admin, checked (a real image, at most 2 MB), stored small
and without camera metadata, and served with a long cache by the site itself."""

import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from clinic.booking.models import PHOTO_SIZE, Therapist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def image_bytes(kind="PNG", size=(800, 600), colour=(180, 120, 90), noise=False, **save) -> bytes:
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else None
    image = image or Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    image.save(buffer, kind, **save)
    return buffer.getvalue()


class FormValues(HTMLParser):
    """The values a browser would send from the admin's change form, as it renders them."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def change_url(therapist) -> str:
    return f"/admin/clinic/therapist/{therapist.pk}/change/"


def post_photo(admin_client, therapist, upload, **changes):
    page = admin_client.get(change_url(therapist)).content.decode()
    form = FormValues()
    form.feed(page)
    data = {**form.values, **changes}
    if upload is not None:
        data["photo"] = upload
    return admin_client.post(change_url(therapist), data)


@pytest.fixture
def alex(db):
    return Therapist.objects.create(slug="alex-morgan", display_name="Alex Morgan")


def test_a_photo_is_stored_small_square_and_served_with_a_long_cache(admin_client, alex, media):
    upload = SimpleUploadedFile("me.png", image_bytes(size=(900, 1200)), "image/png")
    response = post_photo(admin_client, alex, upload, credentials_en="LMT, 8 years")
    assert response.status_code == 302, response.content.decode()[:2000]

    alex.refresh_from_db()
    assert alex.credentials == "LMT, 8 years"
    assert alex.photo.name.startswith("therapists/alex-morgan-") and alex.photo.name.endswith(
        ".webp"
    )
    assert stored_files(media) == [alex.photo.name]
    with Image.open(alex.photo.path) as stored:
        assert stored.format == "WEBP" and stored.size == (PHOTO_SIZE, PHOTO_SIZE)

    visitor = Client()
    served = visitor.get(alex.photo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(served.streaming_content) == Path(alex.photo.path).read_bytes()

    # The public pages show the photo instead of the drawing.
    html = visitor.get("/therapists/").content.decode()
    assert f'src="{alex.photo.url}"' in html


def test_camera_metadata_such_as_location_is_not_kept(admin_client, alex):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {2: (40.0, 1.0, 0.0)}  # GPS latitude
    upload = SimpleUploadedFile("me.jpg", image_bytes("JPEG", exif=exif), "image/jpeg")
    assert post_photo(admin_client, alex, upload).status_code == 302
    alex.refresh_from_db()
    with Image.open(alex.photo.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(admin_client, alex, media):
    upload = SimpleUploadedFile("me.jpg", b"not a picture at all, just words", "image/jpeg")
    response = post_photo(admin_client, alex, upload, bio_en="Typed before uploading")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Upload a valid image" in html
    assert "Typed before uploading" in html  # nothing typed is lost
    alex.refresh_from_db()
    assert not alex.photo and alex.bio == ""
    assert stored_files(media) == []


def test_a_photo_over_2_mb_is_refused_with_its_size_and_what_to_do(admin_client, alex, media):
    big = image_bytes(size=(1100, 1100), noise=True)  # noise does not compress: about 3.6 MB
    assert len(big) > 2 * 1024 * 1024
    response = post_photo(admin_client, alex, SimpleUploadedFile("big.png", big, "image/png"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "the largest we accept is 2 MB" in html
    assert "MB" in html and "Save it smaller" in html
    alex.refresh_from_db()
    assert not alex.photo
    assert stored_files(media) == []


def test_other_image_formats_are_refused_by_name(admin_client, alex, media):
    gif = SimpleUploadedFile("me.gif", image_bytes("GIF"), "image/gif")
    html = post_photo(admin_client, alex, gif).content.decode()
    assert "File extension “gif” is not allowed" in html
    alex.refresh_from_db()
    assert not alex.photo and stored_files(media) == []


def test_a_new_photo_replaces_the_old_file_and_clearing_removes_it(admin_client, alex, media):
    first = SimpleUploadedFile("a.png", image_bytes(colour=(10, 10, 10)), "image/png")
    post_photo(admin_client, alex, first)
    alex.refresh_from_db()
    old = alex.photo.name

    second = SimpleUploadedFile("b.png", image_bytes(colour=(250, 250, 250)), "image/png")
    post_photo(admin_client, alex, second)
    alex.refresh_from_db()
    assert alex.photo.name != old
    assert stored_files(media) == [alex.photo.name]

    post_photo(admin_client, alex, None, **{"photo-clear": "on"})
    alex.refresh_from_db()
    assert not alex.photo
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "path",
    [
        "/media/therapists/missing-0123456789ab.webp",
        "/media/therapists/..%2Fsecret.webp",
        "/media/therapists/notes.txt",
        "/media/therapists/UPPER.webp",
        "/media/other/alex.webp",
    ],
)
def test_only_stored_therapist_photos_are_served(client, media, path):
    (media / "secret.webp").write_bytes(b"private")
    (media / "therapists").mkdir()
    (media / "therapists" / "notes.txt").write_text("private")
    assert client.get(path).status_code == 404
