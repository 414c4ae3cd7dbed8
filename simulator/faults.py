"""Latency, timeouts and failures, drawn from each institution's profile.

SIMULATOR_LATENCY: "zero" (no faults, no sleep: tests and throughput runs), "failures" (the profile's
timeouts and failures without sleeping) or "realistic" (sleep the latency too). Every draw is fixed by
(reference, institution, attempt): a test can predict which call fails, and a retry (attempt + 1) gets
a fresh draw, as a retry against a real bank would.
"""

import time
from dataclasses import dataclass

from django.conf import settings

from .exceptions import SimulatedFailure, SimulatedTimeout
from .generation import unit


@dataclass
class Fault:
    latency_s: float = 0.0
    timeout: bool = False
    failure: bool = False

    def raise_failure(self):
        if self.failure:
            raise SimulatedFailure("机构繁忙，请稍后重试 (institution busy, try again later)")

    def raise_timeout(self):
        if self.timeout:
            raise SimulatedTimeout("机构响应超时 (institution timed out)")

    def sleep(self):
        if self.latency_s > 0:
            time.sleep(self.latency_s)


def mode() -> str:
    return settings.SIMULATOR_LATENCY


def plan(institution, ref: str, attempt: int) -> Fault:
    """What happens to this call. A timeout costs the longest latency: the caller waited that long."""
    current = mode()
    if current not in ("realistic", "failures"):
        return Fault()
    code = institution.code
    timeout = unit("timeout", ref, code, attempt) < institution.timeout_rate
    failure = not timeout and unit("failure", ref, code, attempt) < institution.failure_rate
    latency_s = 0.0
    if current == "realistic":
        low, high = institution.latency_min_ms, institution.latency_max_ms
        latency_ms = high if timeout else low + (high - low) * unit("latency", ref, code, attempt)
        latency_s = latency_ms / 1000.0
    return Fault(latency_s=latency_s, timeout=timeout, failure=failure)


# Off-protocol answers a broken gateway gives (issue 16). SIMULATOR_GARBAGE_CODES (comma-separated institution
# codes) makes those institutions answer one of these, chosen by the code, instead of their accounts.
GARBAGE = (
    "OK",
    [["not", "an", "asset"]],
    None,
    [{"asset_ref": "G1", "balance": "100.00"}],
    [{"asset_ref": "G1", "asset_kind": "deposit", "balance": "一千元"}],
    [{"asset_ref": "G1", "asset_kind": "deposit", "balance": "12345678901234567890"}],
)


PROPER = object()  # garbage_for's answer for an institution that answers properly (None is one of the garbage answers)


def garbage_for(code: str):
    """The malformed answer `code` gives, or PROPER when it answers properly."""
    codes = settings.SIMULATOR_GARBAGE_CODES or ""
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    if code not in wanted:
        return PROPER
    return GARBAGE[sum(map(ord, code)) % len(GARBAGE)]
