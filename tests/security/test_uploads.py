"""Issue 11 point 6: uploads are checked by their content (Pillow), re-encoded with metadata stripped, bounded in
size and count, and served only to logged-in users in scope, as downloads with nosniff.

The attack that got through before: an incident "photo" that was really HTML, declared image/png, was stored and
served inline as text/html without login."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from command import services
from command.models import Incident, IncidentPhoto
from execcenter.exceptions import RuleViolation
from execcenter.uploads import clean_image
from tests.images import image_bytes, png_bytes

pytestmark = pytest.mark.django_db
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _report(actor, photos):
    return services.report_incident(
        actor,
        kind="obstruction",
        severity="high",
        latitude=Decimal("38.4"),
        longitude=Decimal("106.1"),
        address="银川市西夏区",
        description="阻拦",
        photos=photos,
    )


def _gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 29.0, 6.0)}  # GPSInfo: where the officer stood
    return exif


def test_html_declared_as_png_is_refused_and_nothing_is_stored(judge_xixia, tmp_path):
    fake = SimpleUploadedFile("scene.png", HTML, content_type="image/png")
    with pytest.raises(RuleViolation) as refused:
        _report(judge_xixia.user, [fake])
    assert refused.value.code == "photo_type"
    assert not Incident.objects.exists() and not any(tmp_path.rglob("*"))


def test_html_posted_through_the_page_gets_a_clear_400(client, judge_xixia):
    client.force_login(judge_xixia.user)
    fake = SimpleUploadedFile("x.png", HTML, content_type="image/png")
    response = client.post(
        "/api/v1/incidents/",
        {
            "kind": "crowd",
            "severity": "medium",
            "latitude": "38.4",
            "longitude": "106.2",
            "address": "现场",
            "description": "围堵",
            "photos": [fake],
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "photo_type"
    assert not Incident.objects.exists()


@pytest.mark.parametrize("body", [png_bytes()[:40], b"\x89PNG\r\n\x1a\n" + b"\0" * 32, b"GIF89a" + b"\0" * 20])
def test_truncated_forged_or_other_format_images_are_refused(body):
    with pytest.raises(RuleViolation):
        clean_image(SimpleUploadedFile("a.png", body, content_type="image/png"))


def test_an_image_is_re_encoded_without_its_gps_and_camera_metadata():
    original = image_bytes("JPEG", size=(16, 12), exif=_gps_exif())
    assert Image.open(io.BytesIO(original)).getexif()  # the upload did carry them
    cleaned = clean_image(SimpleUploadedFile("IMG_0001.jpg", original + HTML, content_type="image/jpeg"))
    stored = cleaned.read()
    assert HTML not in stored  # trailing bytes after the image are gone
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (16, 12)
    assert not image.getexif() and "icc_profile" not in image.info
    assert cleaned.name.endswith(".jpg") and "IMG_0001" not in cleaned.name


def test_size_pixel_and_count_bounds_hold(judge_xixia):
    with pytest.raises(RuleViolation) as too_big:
        clean_image(SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"), max_bytes=10)
    assert too_big.value.code == "photo_too_large"
    with pytest.raises(RuleViolation) as too_many_pixels:
        clean_image(SimpleUploadedFile("a.png", png_bytes(size=(300, 300)), content_type="image/png"), max_pixels=1000)
    assert too_many_pixels.value.code == "photo_too_large"
    ten = [SimpleUploadedFile(f"{i}.png", png_bytes(), content_type="image/png") for i in range(10)]
    with pytest.raises(RuleViolation) as too_many:
        _report(judge_xixia.user, ten)
    assert too_many.value.code == "too_many_photos"


def test_more_files_in_one_request_than_allowed_gets_413(client, judge_xixia, settings):
    client.force_login(judge_xixia.user)
    files = [
        SimpleUploadedFile(f"{i}.png", png_bytes(), content_type="image/png")
        for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    response = client.post(
        "/api/v1/incidents/",
        {
            "kind": "crowd",
            "severity": "medium",
            "latitude": "38.4",
            "longitude": "106.2",
            "address": "现场",
            "description": "围堵",
            "photos": files,
        },
    )
    assert response.status_code == 413 and response.json()["code"] == "too_many_files"


def test_photos_are_served_only_to_logged_in_users_in_scope_as_downloads(judge_xixia, judge_jingyuan, duty_yinchuan):
    incident = _report(judge_xixia.user, [SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")])
    photo = IncidentPhoto.objects.get(incident=incident)
    url = f"/command/incidents/{incident.pk}/photos/{photo.pk}/"
    assert Client().get(url).status_code == 302  # anonymous → login page
    assert Client().get(f"/media/{photo.file.name}").status_code == 404  # no route serves the media directory
    other = Client()
    other.force_login(judge_jingyuan.user)  # 泾源: another subtree
    assert other.get(url).status_code == 404
    duty = Client()
    duty.force_login(duty_yinchuan.user)  # 银川中院 sees 西夏区
    response = duty.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "PNG"


def test_the_api_lists_photos_by_their_scoped_download_url(api, judge_xixia, judge_jingyuan):
    incident = _report(judge_xixia.user, [SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")])
    body = api.as_officer(judge_xixia).get(f"/api/v1/incidents/{incident.pk}/").json()
    [url] = body["photos"]
    response = api.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert api.as_officer(judge_jingyuan).get(url).status_code == 404
