"""Small real images for upload tests (Pillow draws them; nothing is read from disk)."""

import io

from PIL import Image


def image_bytes(fmt="PNG", size=(8, 6), color=(200, 30, 30), exif=None):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def png_bytes(**kw):
    return image_bytes("PNG", **kw)
