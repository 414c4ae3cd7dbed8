"""Derived case dates (docs/design.md §3)."""

import calendar
import datetime as dt

ASSIGNMENT_DAYS = 7  # 立案后7日内分案
STATUTORY_MONTHS = 6  # 执行案件应在立案之日起6个月内执结（扣除中止等期间）
LONG_PENDING_MONTHS = 12
NEAR_DAYS = 30  # 大屏模块4: 审限届满前30日内为临期
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
    """Cases filed on or before this date and still open are long-pending (12 months or more: cases.predicates)."""
    return add_months(today, -LONG_PENDING_MONTHS)


def payout_due(received_on):
    return received_on + dt.timedelta(days=PAYOUT_DAYS)


DISHONEST_YEARS = 2  # 失信规定 Art. 2: 纳入失信名单期限为二年
DISHONEST_MAX_EXTENSION_YEARS = 3  # 情节严重的可以延长一至三年
REMOVAL_WORKING_DAYS = 3  # 失信规定 Art. 10: 履行完毕后三个工作日内删除
TERMINATE_MIN_MONTHS = 3  # 终本规定 Art. 1(4): 自立案之日起已超过三个月
REQUERY_INTERVAL_MONTHS = 6  # 终本规定 Art. 9: 每六个月通过网络执行查控系统查询一次
REQUERY_YEARS = 5


def add_working_days(day, days):
    """`days` working days after `day`, skipping Saturdays and Sundays (public holidays are not modelled)."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def add_years(day, years):
    return add_months(day, 12 * years)


def requery_dates(closed_on):
    """Every 6 months for 5 years after 终本: 10 dates."""
    rounds = REQUERY_YEARS * 12 // REQUERY_INTERVAL_MONTHS
    return [add_months(closed_on, REQUERY_INTERVAL_MONTHS * i) for i in range(1, rounds + 1)]
