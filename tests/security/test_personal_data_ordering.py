"""Masked personal data cannot be recovered by sorting (issue 10, point 5).

Found by the attack pass: the auditor (who sees ID numbers masked) asked for `/api/v1/parties/?ordering=id_number
&page_size=1`; the keyset cursor in the `next` link carries the last row's ordering value, so it held the full ID
number (and, ordered by phone or address, the full phone or address) of one party per request. Ordering by a
personal-data column also ranks the hidden digits (a birth date) against known ones. A personal-data column is
therefore never an ordering, for anyone, on any list; a cursor crafted with such a position is refused.
"""

import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest

from cases.choices import CaseStatus
from cases.models import CaseParty, Party
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db

PERSONAL = ("id_number", "phone", "address")


def _cursor_payload(url):
    encoded = parse_qs(urlparse(url).query)["cursor"][0]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


@pytest.fixture
def parties(courts):
    for _ in range(3):
        case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    return list(Party.objects.all())


@pytest.mark.parametrize("column", PERSONAL)
@pytest.mark.parametrize("descending", [False, True])
def test_the_next_cursor_of_a_masked_reader_carries_no_personal_data(
    api, parties, auditor_high, duty_yinchuan, column, descending
):
    secrets = (
        {p.id_number for p in parties}
        | {cp.phone for cp in CaseParty.objects.all()}
        | {cp.address for cp in CaseParty.objects.all()}
    )
    for officer in (auditor_high, duty_yinchuan):
        client = api.as_officer(officer)
        url = f"/api/v1/parties/?ordering={'-' if descending else ''}{column}&page_size=1"
        seen = 0
        while url and seen < len(parties) + 1:
            response = client.get(url)
            assert response.status_code == 200
            nxt = response.json()["next"]
            if nxt:
                payload = _cursor_payload(nxt)
                assert not [s for s in secrets if s and s in payload], payload
            url, seen = nxt, seen + 1


@pytest.mark.parametrize("column", PERSONAL)
def test_no_list_is_ordered_by_a_personal_data_column(api, parties, auditor_high, judge_xixia, column):
    """Not even for a role that reads them: the cursor would carry them, and nobody's work needs that order."""
    by_id = sorted(p.pk for p in parties)
    for officer in (auditor_high, judge_xixia):
        response = api.as_officer(officer).get(f"/api/v1/parties/?ordering={column}&page_size=500")
        assert response.status_code == 200
        # the default order (newest first) is kept: the requested column is ignored like any unknown one
        assert [row["id"] for row in response.json()["results"]] == sorted(by_id, reverse=True)


def test_a_cursor_crafted_with_an_id_number_position_is_refused(api, parties, auditor_high):
    """Guessing a position (`id_number > 640105199…`) would turn the cursor into a comparison oracle."""
    payload = json.dumps({"r": 0, "p": ["640105199001010000", str(parties[0].pk)]})
    cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    response = api.as_officer(auditor_high).get(f"/api/v1/parties/?ordering=id_number&cursor={cursor}")
    assert response.status_code == 404
