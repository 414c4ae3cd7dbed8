"""The API's JSON parser: DRF's, with nesting deeper than the recursion limit refused as malformed (400)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    """DRF's JSONParser (same media type, same strictness), except that `[[[[…]]]]` nested past the recursion limit
    is a ParseError — the API's JSON 400 "malformed_body" — instead of a RecursionError answered 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
