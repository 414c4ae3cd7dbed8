"""Importing this package registers every module (see dashboards/registry.py)."""
from . import (case_management, command_dispatch, disposal_credit, linkage, money, operations, quality, query_control,  # noqa: F401
               query_latency)
