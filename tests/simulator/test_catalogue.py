"""The institution catalogue and the choice of connector."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from querycontrol.catalog import BANK_COUNT, build_catalogue, short_name
from querycontrol.connectors import _build, get_connector
from querycontrol.connectors.http import HTTPConnector
from querycontrol.connectors.simulator import SimulatorConnector
from querycontrol.models import Institution
from simulator.models import SimInstitution


@pytest.fixture(scope="module")
def catalogue():
    return build_catalogue()


def test_catalogue_has_exactly_3815_banks_with_unique_names_and_codes(catalogue):
    banks = [e for e in catalogue if e.kind == "bank"]
    assert len(banks) == BANK_COUNT == 3815
    assert len({e.name for e in catalogue}) == len(catalogue)
    assert len({e.code for e in catalogue}) == len(catalogue)


def test_catalogue_is_the_same_on_every_build(catalogue):
    assert [(e.code, e.name) for e in build_catalogue()] == [(e.code, e.name) for e in catalogue]


def test_catalogue_names_the_real_national_and_ningxia_banks(catalogue):
    names = {e.name: e for e in catalogue}
    for name in [
        "中国工商银行",
        "中国农业银行",
        "中国银行",
        "中国建设银行",
        "交通银行",
        "中国邮政储蓄银行",
        "招商银行",
        "上海浦东发展银行",
        "中信银行",
        "中国光大银行",
        "华夏银行",
        "中国民生银行",
        "广发银行",
        "兴业银行",
        "平安银行",
        "浙商银行",
        "恒丰银行",
        "渤海银行",
        "宁夏银行",
        "石嘴山银行",
        "北京银行",
        "宁夏贺兰回商村镇银行",
        "宁夏黄河农村商业银行",
    ]:
        assert name in names, name
    assert names["中国工商银行"].code == "BANK-ICBC"
    categories = {e.category for e in catalogue if e.kind == "bank"}
    assert {"rural_commercial_bank", "credit_cooperative", "village_bank", "city_bank"} <= categories


def test_catalogue_has_every_registry_kind_and_one_real_estate_and_fund_centre_per_ningxia_city(catalogue):
    kinds = {e.kind for e in catalogue}
    assert kinds == {
        "bank",
        "real_estate",
        "vehicle",
        "securities",
        "provident_fund",
        "payment",
        "insurance",
        "ship",
        "equity",
    }
    assert sorted(e.code for e in catalogue if e.kind == "real_estate") == [
        f"RE-{c}00" for c in ("6401", "6402", "6403", "6404", "6405")
    ]
    assert len([e for e in catalogue if e.kind == "provident_fund"]) == 5
    assert len([e for e in catalogue if e.kind == "insurance"]) == 20


def test_bigger_banks_get_higher_rate_limits(catalogue):
    fields = {e.code: e.as_fields() for e in catalogue}
    icbc, village = fields["BANK-ICBC"], fields["BANK-V6401221"]
    assert icbc["rate_per_second"] > village["rate_per_second"]
    assert icbc["max_in_flight"] > village["max_in_flight"]


def test_county_short_names_drop_the_suffix_but_keep_two_character_names():
    assert short_name("贺兰县") == "贺兰"
    assert short_name("灵武市") == "灵武"
    assert short_name("大厂回族自治县") == "大厂"
    assert short_name("积石山保安族东乡族撒拉族自治县") == "积石山"
    assert short_name("沛县") == "沛县"


@pytest.mark.django_db
def test_load_institutions_is_idempotent_and_sets_actions_and_terms_per_kind():
    call_command("load_institutions")
    call_command("load_institutions")
    assert Institution.objects.filter(kind="bank").count() == 3815
    assert Institution.objects.count() == len(build_catalogue())
    icbc = Institution.objects.get(code="BANK-ICBC")
    assert icbc.supported_actions == ["query", "freeze", "renew", "unfreeze", "deduct"]
    assert icbc.max_term_days(__import__("datetime").date(2026, 3, 1)) == 365
    land = Institution.objects.get(code="RE-640100")
    assert land.supported_actions == ["query", "seal", "renew", "unfreeze"]
    assert land.asset_term_class == "property" and land.term_years == 3
    assert Institution.objects.get(code="VEH-MPS").term_years == 2


@pytest.mark.django_db
def test_load_institutions_restores_a_changed_profile():
    call_command("load_institutions")
    Institution.objects.filter(code="BANK-ICBC").update(name="改错的名字", rate_per_second=1)
    call_command("load_institutions")
    icbc = Institution.objects.get(code="BANK-ICBC")
    assert (icbc.name, icbc.rate_per_second) == ("中国工商银行", 200)


@pytest.mark.django_db
def test_load_institutions_tells_the_simulator_which_institutions_exist_and_it_sets_their_behaviour():
    call_command("load_institutions")
    SimInstitution.objects.filter(code="BANK-ICBC").update(failure_rate=0.9, name="旧名")
    call_command("load_institutions")  # a reload restores the catalogue on both sides of the connector
    played = {i.code: i for i in SimInstitution.objects.all()}
    assert set(played) == set(Institution.objects.values_list("code", flat=True))
    icbc, village = played["BANK-ICBC"], played["BANK-V6401041"]
    assert (icbc.name, icbc.failure_rate, icbc.term_years) == ("中国工商银行", 0.002, 1)
    assert icbc.supported_actions == ["query", "freeze", "renew", "unfreeze", "deduct"]
    assert village.latency_max_ms > icbc.latency_max_ms  # a village bank answers through a provincial platform
    assert played["RE-640100"].term_years == 3


@pytest.mark.django_db
def test_an_institution_saved_by_the_product_is_played_by_the_simulator_with_its_changes():
    inst = Institution.objects.create(code="BANK-T1", name="测试银行", kind="bank", category="city_bank")
    assert SimInstitution.objects.get(code="BANK-T1").is_active
    inst.is_active = False
    inst.save()
    assert not SimInstitution.objects.get(code="BANK-T1").is_active


def test_get_connector_defaults_to_the_simulator(settings):
    settings.QUERYCONTROL_CONNECTOR = "simulator"
    assert isinstance(get_connector(), SimulatorConnector)


def test_get_connector_builds_the_http_connector_when_configured(settings):
    settings.QUERYCONTROL_CONNECTOR = "http"
    settings.QUERYCONTROL_HTTP_BASE_URL = "http://127.0.0.1:8765/"
    connector = get_connector()
    assert isinstance(connector, HTTPConnector) and connector.base_url == "http://127.0.0.1:8765"


def test_get_connector_refuses_http_without_a_base_url_or_an_unknown_kind():
    with pytest.raises(ImproperlyConfigured):
        _build("http", "", 5.0)
    with pytest.raises(ImproperlyConfigured):
        _build("carrier-pigeon", "", 5.0)
