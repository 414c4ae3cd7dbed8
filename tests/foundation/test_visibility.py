import pytest

from cases.models import Case
from execcenter.models import Alert, Court
from execcenter.services import raise_alert
from tests.factories import CaseFactory


@pytest.fixture
def cases_in_three_courts(courts):
    return {code: CaseFactory(court=courts[code]) for code in ("宁0105", "宁0424", "宁01", "宁")}


def numbers(qs):
    return set(qs.values_list("court__code", flat=True))


def test_basic_court_judge_sees_only_own_court(judge_xixia, cases_in_three_courts):
    assert numbers(Case.objects.visible_to(judge_xixia.user)) == {"宁0105"}


def test_basic_court_judge_cannot_see_sibling_court(judge_jingyuan, cases_in_three_courts):
    assert numbers(Case.objects.visible_to(judge_jingyuan.user)) == {"宁0424"}


def test_intermediate_court_sees_itself_and_its_basic_courts(duty_yinchuan, cases_in_three_courts):
    assert numbers(Case.objects.visible_to(duty_yinchuan.user)) == {"宁01", "宁0105"}


def test_high_court_sees_all(director_high, cases_in_three_courts):
    assert numbers(Case.objects.visible_to(director_high.user)) == {"宁0105", "宁0424", "宁01", "宁"}


def test_partner_key_sees_its_subtree(case_system_partner, cases_in_three_courts):
    assert numbers(Case.objects.visible_to(case_system_partner)) == {"宁01", "宁0105"}


def test_anonymous_and_profile_less_users_see_nothing(courts, cases_in_three_courts, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Case.objects.visible_to(AnonymousUser()).exists()
    assert not Case.objects.visible_to(django_user_model.objects.create(username="nobody")).exists()


def test_court_subtree_follows_codes(courts):
    high = Court.objects.get(code="宁")
    yinchuan = Court.objects.get(code="宁01")
    assert len(high.subtree_ids()) == 28
    assert set(Court.objects.filter(pk__in=yinchuan.subtree_ids()).values_list("code", flat=True)) == {
        "宁01",
        "宁0104",
        "宁0105",
        "宁0106",
        "宁0121",
        "宁0122",
        "宁0181",
    }


def test_a_court_added_moved_or_removed_is_in_its_ancestors_scope_at_once(courts):
    from django.core.cache import cache

    high, yinchuan, shizuishan = (Court.objects.get(code=c) for c in ("宁", "宁01", "宁02"))
    before = set(yinchuan.subtree_ids())
    assert cache.get(f"court-subtree:{yinchuan.pk}") is not None  # the answer is cached, so it must be dropped
    new = Court.objects.create(
        code="宁0199", name="测试新设法院", short_name="新设", level="basic", parent=yinchuan, division_code="640199"
    )
    assert set(yinchuan.subtree_ids()) == before | {new.pk} and new.pk in high.subtree_ids()
    shizuishan.subtree_ids()
    new.code, new.parent = "宁0299", shizuishan  # re-coded under another intermediate court
    new.save()
    assert new.pk not in yinchuan.subtree_ids() and new.pk in shizuishan.subtree_ids()
    new.delete()
    assert new.pk not in shizuishan.subtree_ids() and len(high.subtree_ids()) == 28


def test_alerts_follow_the_same_rule(courts, judge_xixia, judge_jingyuan):
    raise_alert(kind="test", court=courts["宁0424"], title="泾源预警", dedup_key="t:1")
    assert not Alert.objects.visible_to(judge_xixia.user).exists()
    assert Alert.objects.visible_to(judge_jingyuan.user).count() == 1


def test_admin_lists_follow_the_visibility_rule(client, courts, cases_in_three_courts):
    """The admin site is the administrator's (policy "admin.site"); a court's administrator sees only their subtree."""
    from tests.conftest import _officer

    admin_xixia = _officer(courts, "admin_xixia", "宁0105", "admin")
    admin_xixia.user.is_staff = True
    admin_xixia.user.save()
    client.force_login(admin_xixia.user)
    page = client.get("/admin/cases/case/").content.decode()
    assert cases_in_three_courts["宁0105"].number in page
    assert cases_in_three_courts["宁0424"].number not in page
