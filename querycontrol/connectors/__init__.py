"""The door to banks and registries: `get_connector()` returns the configured transport.

QUERYCONTROL_CONNECTOR = "simulator" (default; in-process simulated outside world) or "http" (JSON over
HTTP to QUERYCONTROL_HTTP_BASE_URL, a real gateway or `manage.py serve_simulator`). Callers only see
the interface in `base.py`.
"""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (  # noqa: F401  (re-exported: callers import from querycontrol.connectors)
    Connector,
    ConnectorError,
    ConnectorTimeout,
    ControlResult,
    FoundAsset,
    Party,
    PermanentConnectorError,
    TransientConnectorError,
)

__all__ = [
    "Connector",
    "ConnectorError",
    "ConnectorTimeout",
    "ControlResult",
    "FoundAsset",
    "Party",
    "PermanentConnectorError",
    "TransientConnectorError",
    "get_connector",
]


@lru_cache(maxsize=4)
def _build(kind: str, base_url: str, timeout: float):
    if kind == "simulator":
        from .simulator import SimulatorConnector

        return SimulatorConnector()
    if kind == "http":
        if not base_url:
            raise ImproperlyConfigured("QUERYCONTROL_HTTP_BASE_URL must be set when QUERYCONTROL_CONNECTOR=http")
        from .http import HTTPConnector

        return HTTPConnector(base_url, timeout=timeout)
    raise ImproperlyConfigured(f"Unknown QUERYCONTROL_CONNECTOR {kind!r} (expected 'simulator' or 'http')")


def get_connector() -> Connector:
    """The connector for the current settings (one shared, thread-safe instance per configuration)."""
    return _build(
        settings.QUERYCONTROL_CONNECTOR,
        settings.QUERYCONTROL_HTTP_BASE_URL,
        float(settings.QUERYCONTROL_HTTP_TIMEOUT),
    )
