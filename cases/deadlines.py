"""Derived case dates (DESIGN.md §3)."""
import calendar
import datetime as dt

ASSIGNMENT_DAYS = 7  # 立案后7日内分案
STATUTORY_MONTHS = 6  # 执行案件应在立案之日起6个月内执结（扣除中止等期间）
LONG_PENDING_MONTHS = 12
PAYOUT_DAYS = 30  # 法发〔2017〕6号: 案款到账后30日内发放


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statutory_deadline(filed_on, suspended_days=0, extension_days=0):
    return add_months(filed_on, STATUTORY_MONTHS) + dt.timedelta(days=suspended_days + extension_days)


def assignment_due(filed_on):
    return filed_on + dt.timedelta(days=ASSIGNMENT_DAYS)


def long_pending_cutoff(today):
    """Cases filed on or before this date and still open are long-pending (> 12 months)."""
    return add_months(today, -LONG_PENDING_MONTHS)


def payout_due(received_on):
    return received_on + dt.timedelta(days=PAYOUT_DAYS)
