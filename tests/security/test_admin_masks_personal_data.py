"""The admin shows personal data masked, like every other page for a role without "personal_data.read" (issue 10).

Found by the attack pass: the party list of the admin masked the ID number, but a party's own admin page
(`/admin/cases/party/<id>/change/`) showed it in full to the administrator, whom the policy gives masked data only.
Every read-only admin page now shows a model's `personal_data_fields` masked unless the reader may read them.
"""

import pytest

from cases.choices import CaseStatus, PartyRole
from execcenter.masking import mask_id_number
from tests.cases.conftest import case_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(courts):
    return UserFactory(username="root-atk", is_staff=True, is_superuser=True)


def test_a_partys_admin_page_masks_its_id_number(client, courts, administrator):
    party = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"]).case_parties.get(role=PartyRole.RESPONDENT).party
    client.force_login(administrator)
    page = client.get(f"/admin/cases/party/{party.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert party.name in body and mask_id_number(party.id_number) in body
    assert party.id_number not in body
