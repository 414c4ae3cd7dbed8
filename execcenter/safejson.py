"""json.loads for documents that come from outside (request bodies, cursors, gateways' answers).

Python's decoder recurses once per nesting level: `[[[[…]]]]` a few thousand levels deep raises RecursionError,
which no caller expects from a parser (the API answered 500 for a 200 kB body and for a 4 kB `?cursor=`; a gateway
could break a query worker the same way). Here it is the ValueError of any other malformed document.
"""

import json


class NestedTooDeep(json.JSONDecodeError):
    """A JSON document nested deeper than the interpreter's recursion limit (a ValueError, like JSONDecodeError)."""


def loads(raw, **kwargs):
    """json.loads(raw, **kwargs); raises ValueError (json.JSONDecodeError) for malformed or too deeply nested
    input, never RecursionError."""
    try:
        return json.loads(raw, **kwargs)
    except RecursionError:
        doc = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        raise NestedTooDeep("JSON nested too deeply", doc[:64], 0) from None


def load(fp, **kwargs):
    """json.load with the same guarantee as loads."""
    return loads(fp.read(), **kwargs)
