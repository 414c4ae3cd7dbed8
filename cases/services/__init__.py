"""Case domain operations (CONVENTIONS: rules live here, views and tasks stay thin).

Everything that changes a case goes through here and records a timeline event and an audit entry. Status
changes are compare-and-swap (`filter(pk, status=old).update(...)`): two officers acting at once cannot both
win, and a refused change leaves nothing behind (every operation is one transaction).

filing: 立案 with gap-free numbering; flow: the state machine (FLOW) and assign / transition / suspend /
resume; time_limits: 审限 extensions and the deadline state; account: the case account (receipts, payouts);
common: the event + audit pair and the compare-and-swap every operation shares.

The names below are re-exported so that `from cases.services import file_case` (and `services.file_case`)
keep working; new code may import from the submodule directly.
"""

from execcenter.services import actor_label

from .account import _check_amount, _refresh_money_totals, record_payout, record_receipt
from .common import CENT, _fresh, _record, _refuse, _swap, add_event
from .filing import _validated_party, file_case, find_or_create_party, next_sequence, set_derived_dates
from .flow import (
    CLOSABLE_FROM,
    FLOW,
    SUSPENDABLE,
    _check_can_handle,
    allowed_transitions,
    assign,
    record_debtor_facts,
    record_notice_sent,
    resume,
    suspend,
    transition,
)
from .time_limits import deadline_state, extend_deadline

__all__ = [
    "CENT",
    "CLOSABLE_FROM",
    "FLOW",
    "SUSPENDABLE",
    "_check_amount",
    "_check_can_handle",
    "_fresh",
    "_record",
    "_refresh_money_totals",
    "_refuse",
    "_swap",
    "_validated_party",
    "actor_label",
    "add_event",
    "allowed_transitions",
    "assign",
    "deadline_state",
    "extend_deadline",
    "file_case",
    "find_or_create_party",
    "next_sequence",
    "record_debtor_facts",
    "record_notice_sent",
    "record_payout",
    "record_receipt",
    "resume",
    "set_derived_dates",
    "suspend",
    "transition",
]
