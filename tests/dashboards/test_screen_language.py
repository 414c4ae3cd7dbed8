"""The big screen follows the page's language like every page: its own words come through gettext in the page's
config, and the modules' data (computed once, in Chinese) is looked up in the English catalogue the page loads."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from dashboards import registry

from .conftest import NOW

SCRIPT = (Path(__file__).resolve().parents[2] / "static" / "dashboards" / "screen.js").read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _back_to_chinese():
    # An English request activates English for this thread; the modules computed by later tests must not inherit it.
    yield
    translation.activate("zh-hans")


def config(html):
    block = re.search(r'<script id="screen-config" type="application/json">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def screen(client, director_high, language):
    client.force_login(director_high.user)
    return client.get(reverse("dashboards:screen", args=["宁"]), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_script_shows_no_chinese_of_its_own():
    # The Chinese string literals left compare or trim data (the money unit, the courts' name suffix, two court
    # codes whose map labels are nudged), never show a word of the screen's own.
    code = "\n".join(line.split("//")[0] for line in SCRIPT.splitlines())
    literals = {lit for lit in re.findall(r'"([^"\n]*)"', code) if CJK.search(lit)}
    assert literals <= {"元", "人民法院", "法院", "宁0423", "宁0424"}, literals


def test_every_word_the_script_uses_is_in_the_config(client, courts, director_high):
    used = set(re.findall(r"\bT\.(\w+)", SCRIPT))
    assert used <= set(config(screen(client, director_high, "zh-hans"))["text"])


def test_in_english_the_screen_loads_the_catalogue_and_its_words_are_english(client, courts, director_high):
    html = screen(client, director_high, "en")
    text = config(html)["text"]
    assert '<html lang="en">' in html and reverse("javascript-catalog") in html
    assert not [v for v in text.values() if CJK.search(v)]
    assert text["vacant"] == "Vacant" and config(html)["locale"] == "en"


def test_in_chinese_the_screen_loads_no_catalogue(client, courts, director_high):
    html = screen(client, director_high, "zh-hans")
    assert reverse("javascript-catalog") not in html and config(html)["text"]["vacant"] == "空岗"


def test_the_catalogue_translates_the_modules_titles_labels_and_units(client, courts):
    body = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S).group(1))
    with translation.override("zh-hans"):
        titles = [str(m.title) for m in registry.all_modules().values()]
    assert len(titles) == 40
    for chinese in ["收结存", "件", "元", "今日", "存案", *titles]:
        assert chinese in catalog and not CJK.search(catalog[chinese]), chinese


def test_module_data_is_made_of_the_catalogues_msgids(courts):
    # What the script translates is what the modules computed: m01's row labels and units are catalogue msgids.
    with translation.override("zh-hans"):  # as the beat computes every screen's snapshot
        data = registry.get("m01").compute(courts["宁"], NOW)
    labels = [row[0] for row in data["rows"]] + [item["unit"] for item in data["items"]]
    assert labels and all(CJK.search(label) for label in labels)
