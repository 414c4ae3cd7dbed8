"""Filing in the browser (with party look-ups) and recording debtor facts: server-side validation, errors by the form."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Party
from execcenter.models import AuditLog
from tests.factories import CaseFactory, make_credit_code, make_resident_id

pytestmark = pytest.mark.django_db


def filing(**over):
    body = {
        "cause": "买卖合同纠纷",
        "filed_on": timezone.localdate().isoformat(),
        "claim_amount": "250000.00",
        "origin_body": "银川市西夏区人民法院",
        "origin_document_no": "（2025）宁0105民初88号",
        "p0-role": "applicant",
        "p0-kind": "organisation",
        "p0-id_number": make_credit_code(7),
        "p0-name": "宁夏某商贸有限公司",
        "p1-role": "respondent",
        "p1-kind": "person",
        "p1-id_number": make_resident_id(42),
        "p1-name": "王五",
    }
    body.update(over)
    return body


def test_a_judge_files_a_case_in_the_browser(client, judge_xixia):
    client.force_login(judge_xixia.user)
    assert 'id="filing-form"' in client.get(reverse("cases:case-new")).content.decode()
    response = client.post(reverse("cases:case-new"), filing())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert case.court.code == "宁0105" and case.number.endswith("执1号") and case.case_parties.count() == 2


def test_bad_filings_come_back_with_the_errors_and_save_nothing(client, judge_xixia):
    client.force_login(judge_xixia.user)
    bad_id = client.post(reverse("cases:case-new"), filing(**{"p1-id_number": "640105198001011235"}))
    assert bad_id.status_code == 400 and "第2个当事人" in bad_id.content.decode()
    no_respondent = client.post(reverse("cases:case-new"), filing(**{"p1-role": "", "p1-name": "", "p1-id_number": ""}))
    assert no_respondent.status_code == 400 and "被执行人" in no_respondent.content.decode()
    future = client.post(reverse("cases:case-new"), filing(filed_on="2999-01-01"))
    assert future.status_code == 400 and "立案日期不能晚于今天" in future.content.decode()
    negative = client.post(reverse("cases:case-new"), filing(claim_amount="-1"))
    assert negative.status_code == 400
    assert not Case.objects.exists() and not Party.objects.exists()


def test_party_look_up_finds_the_record_by_id_number_and_is_audited(client, judge_xixia, duty_yinchuan):
    existing = CaseFactory().case_parties.get(role="respondent").party
    client.force_login(judge_xixia.user)
    found = client.get(reverse("cases:party-lookup"), {"id_number": existing.id_number}).json()
    assert found == {"found": True, "name": existing.name, "kind": existing.kind}
    assert client.get(reverse("cases:party-lookup"), {"id_number": make_resident_id(999)}).json() == {"found": False}
    assert client.get(reverse("cases:party-lookup"), {"id_number": "123"}).status_code == 400
    assert AuditLog.objects.filter(action="personal_data.search").count() == 2
    client.force_login(duty_yinchuan.user)
    assert client.get(reverse("cases:party-lookup"), {"id_number": existing.id_number}).status_code == 403
    assert client.get(reverse("cases:case-new")).status_code == 403


def test_debtor_facts_are_recorded_from_the_case_page(client, judge_xixia, courts):
    case = CaseFactory(court=courts["宁0105"], status="investigating")
    client.force_login(judge_xixia.user)
    url = reverse("cases:case-action", args=[case.pk, "facts"])
    refused = client.post(url, {"facts-whereabouts_unknown": "on", "facts-searched_on": "2999-01-01"})
    assert refused.status_code == 400 and "查找日期不能晚于今天" in refused.content.decode()
    done = client.post(
        url,
        {
            "facts-dishonest_eligible": "on",
            "facts-whereabouts_unknown": "on",
            "facts-searched_on": timezone.localdate().isoformat(),
        },
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (
        case.dishonest_eligible,
        case.debtor_whereabouts_unknown,
        case.debtor_searched_on,
        case.debtor_obstructed,
    ) == (True, True, timezone.localdate(), False)
