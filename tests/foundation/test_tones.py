"""One status-to-colour map (execcenter/templatetags/tones.py) for every badge on every page."""

import re
from pathlib import Path

from django.template import Context, Template

from cases.choices import CaseStatus
from execcenter.choices import AlertSeverity
from execcenter.templatetags.tones import TONES, tone
from querycontrol.choices import OrderStatus

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SPELLED_OUT = re.compile(r'class="badge[^"]*{%\s*if\s+[\w.]+\.(status|severity)\s*==')


def test_no_template_spells_out_its_own_status_colours():
    offenders = [
        p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html") if SPELLED_OUT.search(p.read_text())
    ]
    assert offenders == []


def test_the_map_gives_each_value_one_colour():
    seen = [v for values in TONES.values() for v in values]
    assert len(seen) == len(set(seen))


def test_order_statuses_read_done_green_failures_red_and_the_rest_amber():
    assert tone(OrderStatus.DONE) == "green"
    assert {tone(s) for s in (OrderStatus.FAILED, OrderStatus.REJECTED, OrderStatus.LAPSED)} == {"red"}
    assert {tone(s) for s in (OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.SENT)} == {
        "amber"
    }


def test_case_and_alert_values_and_unknown_ones():
    assert (tone(CaseStatus.CLOSED), tone(CaseStatus.SUSPENDED), tone(CaseStatus.INVESTIGATING)) == (
        "green",
        "amber",
        "",
    )
    assert (tone(AlertSeverity.CRITICAL), tone(AlertSeverity.WARNING)) == ("red", "amber")
    assert tone(None) == tone("no-such-value") == ""


def test_the_filter_renders_in_a_template():
    html = Template('{% load tones %}<span class="badge {{ s|tone }}">').render(Context({"s": "failed"}))
    assert html == '<span class="badge red">'
