"""Periodic case supervision (thin: the rules are in cases.supervision / cases.measures)."""

from celery import shared_task

from . import measures, settlements, supervision


@shared_task(name="cases.tasks.scan_cases", ignore_result=True)
def scan_cases():
    """Beat, hourly: expire measures, keep the long-pending ledger, raise deadline / money / credit alerts.
    Idempotent: alerts are deduplicated and expiry is compare-and-swap, so a repeated run changes nothing."""
    measures.expire_measures()
    settlements.check_missed()
    return supervision.scan()


@shared_task(name="cases.tasks.compact_case_tally", ignore_result=True)
def compact_case_tally():
    """Beat, every minute: fold the case tally rows the triggers wrote into one row per key (cases.tally.compact).
    Idempotent and safe beside writers and another compaction: sums never change, only the number of rows."""
    from . import tally

    return tally.compact()
