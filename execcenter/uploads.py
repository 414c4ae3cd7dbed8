"""Uploaded images and how stored files are handed back (issue 11, point 6).

An upload's declared content type and file name prove nothing about its content: an HTML page sent as
`image/png` was stored and later served inline. So:

- `clean_image(f)` opens the bytes with Pillow, accepts only a real JPEG, PNG or WebP within the size and pixel
  bounds, and re-encodes it (EXIF orientation applied, then EXIF/GPS, ICC, comments and any trailing bytes
  dropped). What is stored is the re-encoded image under a random name, never the client's bytes or name.
- `attachment_response(...)` serves a stored file as a download (Content-Disposition: attachment, nosniff,
  private caching), so even a file that slipped through would not be rendered by the browser.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from execcenter.exceptions import RuleViolation

# Pillow format → (extension, content type, save options). Quality 85 keeps a phone photo legible at a third of its size.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 85, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 85}),
}
CONTENT_TYPES = {ext: ctype for ext, ctype, _opts in IMAGE_FORMATS.values()}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
# 40 megapixels: more than any phone camera; a tiny "decompression bomb" file may claim far more.
MAX_IMAGE_PIXELS = 40_000_000


def clean_image(uploaded, *, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS):
    """UploadedFile → ContentFile of the re-encoded image, named `<uuid>.<jpg|png|webp>`.

    Raises RuleViolation (400, code `photo_too_large` / `photo_type`) when the file is too large, is not an image
    Pillow can decode as JPEG/PNG/WebP, or has more than `max_pixels` pixels.
    """
    if uploaded.size > max_bytes:
        raise RuleViolation(
            _("单张照片不得超过%(mb)sMB (photo too large)") % {"mb": max_bytes // (1024 * 1024)}, code="photo_too_large"
        )
    not_an_image = RuleViolation(
        _("照片须为 JPEG、PNG 或 WebP 图片 (the file is not a JPEG, PNG or WebP image)"), code="photo_type"
    )
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as probe:
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > max_pixels:
                raise RuleViolation(_("照片像素过多 (image has too many pixels)"), code="photo_too_large")
            probe.load()  # decodes every pixel: a truncated or forged body fails here
            image = ImageOps.exif_transpose(probe)
            ext, content_type, options = IMAGE_FORMATS[fmt]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # A fresh save writes pixels only: no exif=, icc_profile= or comment is passed on.
            image.save(out, format=fmt, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    finally:
        uploaded.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


def attachment_response(fieldfile, download_name):
    """FileResponse for a stored file: always a download, never sniffed or shared by caches."""
    ext = fieldfile.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        fieldfile.open("rb"),
        as_attachment=True,
        filename=download_name,
        content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
