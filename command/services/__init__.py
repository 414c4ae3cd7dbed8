"""Domain operations of the command app; views, serializers and tasks call these."""

from .incidents import add_update, close_incident, dispatch_help, open_incidents, report_incident
from .linkage import (
    answer_letter,
    answer_token,
    close_letter,
    letter_from_token,
    overdue_letters,
    raise_overdue_letter_alerts,
    register_unit,
    send_letter,
    unit_counts,
    withdraw_letter,
)
from .operations import (
    add_team,
    create_operation,
    end_operation,
    launch_operation,
    operation_tally,
    record_result,
    set_target_cases,
)
from .petitions import close_petition, overdue_petitions, receive_petition, reply_petition

__all__ = [
    "add_team",
    "add_update",
    "answer_letter",
    "answer_token",
    "close_incident",
    "close_letter",
    "close_petition",
    "create_operation",
    "dispatch_help",
    "end_operation",
    "launch_operation",
    "letter_from_token",
    "open_incidents",
    "operation_tally",
    "overdue_letters",
    "overdue_petitions",
    "raise_overdue_letter_alerts",
    "receive_petition",
    "record_result",
    "register_unit",
    "reply_petition",
    "report_incident",
    "send_letter",
    "set_target_cases",
    "unit_counts",
    "withdraw_letter",
]
