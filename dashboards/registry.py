"""The module registry: each of the 40 big-screen modules (docs/design.md §4) is one `Module`.

A module is computed in two steps so that all 28 court scopes come from one pass over the data:

- `gather(ctx)` runs one (or a few) GROUP BY queries and returns partial figures per court id,
  e.g. {court_id: {"open": 12, "amount": Decimal("5.00")}}. With `ctx.scope` set it reads only that
  scope (`.in_scope(court)`); in the refresh pass it reads every court at once.
- the partial figures of a scope's subtree are added together (`merge`), then
  `finish(total, view)` turns them into the chart's JSON (rates, top-N, labels).

So `compute(scope, now)` and the all-scopes refresh run the same code, and additive figures never
get re-queried per court (the high court's numbers are the sum of its subtree's).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy

from execcenter.models import Court
from execcenter.money import screen_figure
from execcenter.rounding import percent, to_cents

DEFAULT_INTERVAL = 10  # seconds; the beat period of the snapshot refresh

_MODULES = {}


@dataclass(frozen=True)
class Module:
    code: str
    number: int
    title: str
    group: str
    chart: str
    gather: callable
    finish: callable
    interval: int = DEFAULT_INTERVAL
    # Models the module reads (app_label.Model); used to report a module whose source app is missing.
    sources: tuple = field(default_factory=tuple)
    # False for figures that belong to one court and cannot be added up (who is on duty there).
    additive: bool = True

    def compute(self, scope, now):
        """The module's JSON for `scope` (a Court) at `now`, reading only that scope's rows."""
        ctx = Context(now, scope=scope)
        return ctx.finish(self, self.gather(ctx), scope)

    def meta(self):
        return {
            "code": self.code,
            "number": self.number,
            "title": str(self.title),
            "group": self.group,
            "chart": self.chart,
            "interval": self.interval,
        }


def register(number, title, group, chart, *, interval=DEFAULT_INTERVAL, sources=(), additive=True):
    """Decorator for a module class-like namespace with gather/finish functions."""

    def wrap(obj):
        code = f"m{number:02d}"
        if code in _MODULES:
            raise ValueError(f"module {code} registered twice")
        _MODULES[code] = Module(
            code=code,
            number=number,
            title=title,
            group=group,
            chart=chart,
            gather=obj.gather,
            finish=obj.finish,
            interval=interval,
            sources=tuple(sources),
            additive=additive,
        )
        return obj

    return wrap


def all_modules():
    from . import modules  # noqa: F401  (importing registers them)

    return dict(sorted(_MODULES.items()))


def source_kinds():
    """Every kind of change (model label) some module depends on: the dirty marks are written for these."""
    return sorted({kind for m in all_modules().values() for kind in m.sources})


def get(code):
    return all_modules()[code]


# --- merging partial figures -----------------------------------------------------------------


def merge(a, b):
    """Add two partial results: numbers add, dicts merge key by key, lists concatenate."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(out.get(k), v)
        return out
    if isinstance(a, list):
        return a + b
    return a + b


def add_to(per_court, court_id, **values):
    """Accumulate values into per_court[court_id] (a dict)."""
    slot = per_court.setdefault(court_id, {})
    for k, v in values.items():
        slot[k] = merge(slot.get(k), v)
    return slot


# --- context: time, courts, memoised shared queries ---------------------------------------------


class Context:
    """One refresh: the time, the court tree, and queries several modules share (memoised)."""

    def __init__(self, now=None, scope=None, courts=None):
        self.now = now or timezone.now()
        self.scope = scope
        self.today = timezone.localdate(self.now)  # Asia/Shanghai: "today" rolls over at local midnight
        self._courts = courts
        self._memo = {}

    # times
    def day_start(self, day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    @property
    def month_start(self):
        return self.today.replace(day=1)

    @property
    def year_start(self):
        return self.today.replace(month=1, day=1)

    # courts
    @property
    def courts(self):
        if self._courts is None:
            self._courts = {c.pk: c for c in Court.objects.order_by("code")}
        return self._courts

    def subtree(self, court):
        return [c for c in self.courts.values() if c.code.startswith(court.code)]

    def scoped(self, qs):
        """Restrict a ScopedQuerySet to the context's scope (the visibility rule), or leave it whole."""
        return qs.in_scope(self.scope) if self.scope is not None else qs

    def memo(self, key, fn):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def finish(self, module, per_court, scope):
        total = rollup(per_court, self.subtree(scope)) if module.additive else per_court.get(scope.pk, {})
        return module.finish(total, ScopeView(self, scope, per_court))


def rollup(per_court, courts):
    total = None
    for c in courts:
        total = merge(total, per_court.get(c.pk))
    return total or {}


class ScopeView:
    """What `finish` may look at besides the scope's total: the children's totals (drill-down)."""

    def __init__(self, ctx, scope, per_court):
        self.ctx, self.court, self.per_court = ctx, scope, per_court

    @property
    def now(self):
        return self.ctx.now

    @property
    def today(self):
        return self.ctx.today

    def children(self):
        """(court, total) for the scope's own cases and for each court directly below it (rolled up),
        which is what a drill-down bar chart shows; a basic court yields only itself."""
        own = [(self.court, self.per_court.get(self.court.pk, {}))]
        kids = [c for c in self.ctx.courts.values() if c.parent_id == self.court.pk]
        return own + [(c, rollup(self.per_court, self.ctx.subtree(c))) for c in kids]

    def basic_courts(self):
        """(court, its own figures) for each basic court in the scope (the map's districts)."""
        return [(c, self.per_court.get(c.pk, {})) for c in self.ctx.subtree(self.court) if c.level == "basic"]


# --- JSON helpers -----------------------------------------------------------------------------


def money(value):
    """Decimal yuan → '1234.50' (JSON carries money as strings; never float), 四舍五入 (execcenter.rounding)."""
    return str(to_cents(value or Decimal("0")))


def rate(numerator, denominator, places=1):
    """Percentage as a string with `places` decimals, 四舍五入 (1 of 16 → '6.3'), or None when the denominator is zero."""
    value = percent(numerator, denominator, places)
    return None if value is None else str(value)


YUAN = gettext_lazy("元")


def kpi(*items):
    """{"items": [{label, value, unit?, display?}]}: an amount (unit 元) also carries the figure the screen shows,
    "1.5万" / "12.35亿", rounded here half up (execcenter.money.screen_figure), not by the browser's float toFixed."""
    return {
        "items": [
            {
                "label": str(label),
                "value": value,
                **({"unit": str(unit)} if unit else {}),
                **({"display": screen_figure(value)} if unit and str(unit) == str(YUAN) and value is not None else {}),
            }
            for label, value, unit in items
        ]
    }
