"""Static files through WhiteNoise, with RFC 9110 conditional requests (execcenter.conditional).

WhiteNoise 6 answers 304 only when If-None-Match equals its ETag byte for byte, so a proxy's weak tag or a list
re-sent every script and stylesheet of the screen in full.
"""

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import StaticFile

from .conditional import none_match


class WeakETagStaticFile(StaticFile):
    def is_not_modified(self, request_headers):
        header = request_headers.get("HTTP_IF_NONE_MATCH")
        if header is not None:
            # §13.2.2: when If-None-Match is present, If-Modified-Since is ignored.
            return none_match(header, self.etag)
        return super().is_not_modified(request_headers)


class WeakETagWhiteNoise(WhiteNoiseMiddleware):
    def get_static_file(self, path, url, stat_cache=None):
        static_file = super().get_static_file(path, url, stat_cache=stat_cache)
        # WhiteNoise builds StaticFile itself with no hook for the class; this one adds only the comparison.
        static_file.__class__ = WeakETagStaticFile
        return static_file
