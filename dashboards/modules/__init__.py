"""Importing this package registers every module (see dashboards/registry.py)."""

from . import (  # noqa: F401
    case_management,
    command_dispatch,
    disposal_credit,
    linkage,
    money,
    operations,
    quality,
    query_control,
    query_latency,
)
