"""The demo gives every page something real: every measure kind, auction outcome, status and ledger entries."""

import io
import random

import pytest

from cases import demo
from cases.choices import AuctionOutcome, MeasureKind
from cases.demo_bulk import generate_cases
from cases.models import AuctionRound, CaseSuspension, LongPendingEntry, Measure

pytestmark = pytest.mark.django_db


def test_demo_enrich_covers_every_measure_kind_and_auction_outcome_and_runs_once(courts):
    generate_cases(600, seed=7, stdout=io.StringIO())
    out = io.StringIO()
    demo.enrich(random.Random(7), out)
    assert set(Measure.objects.values_list("kind", flat=True)) == set(MeasureKind.values)
    assert set(AuctionRound.objects.values_list("outcome", flat=True)) == set(AuctionOutcome.values)
    assert LongPendingEntry.objects.exists() and CaseSuspension.objects.exists()
    count = Measure.objects.count()
    demo.enrich(random.Random(7), io.StringIO())
    assert Measure.objects.count() == count
