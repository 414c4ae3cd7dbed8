"""English is available: pages and API errors follow Accept-Language / the language switcher, and the
English catalogue (locale/en) is complete, reviewed (no fuzzy entries) and compiled into the committed .mo."""

import gettext
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The same ignores as the documented command: makemessages -l en --ignore=.venv --ignore=var --ignore=node_modules
IGNORED_DIRS = {".venv", "var", "node_modules", "artifacts", ".git", "locale", "__pycache__", ".pytest_cache"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _po_tool():
    # locale/ cannot be a package (it would shadow the standard library's `locale`), so load by path.
    if "fill_po" not in sys.modules:
        spec = importlib.util.spec_from_file_location("fill_po", ROOT / "locale" / "tools" / "fill_po.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["fill_po"] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules["fill_po"]


def _entries(path=PO):
    return _po_tool().parse(path.read_text(encoding="utf-8"))[1]


# --- pages and API answers in English -------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_in_english_shows_execution_command_centre(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Execution Command Centre</h1>" in page
    assert "Please log in with your work account" in page
    assert "执行指挥中心" not in page


@pytest.mark.django_db
def test_login_page_without_language_preference_stays_chinese(client):
    page = client.get("/accounts/login/").content.decode()
    assert "<h1>执行指挥中心</h1>" in page
    assert "Execution Command Centre" not in page


@pytest.mark.django_db
def test_language_switcher_turns_the_ui_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "<h1>Execution Command Centre</h1>" in page


@pytest.mark.django_db
def test_case_number_error_from_api_is_english_with_accept_language_en(api, judge_xixia):
    api.as_officer(judge_xixia)
    response = api.get("/api/v1/cases/", {"number": "2024-123"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    with translation.override("en"):
        expected = str(
            translation.gettext("案号格式错误，应为“（年份）法院代字+类型代字+序号+号”，例如（2024）宁0105执123号")
        )
    assert expected.startswith("Invalid case number")
    assert response.json()["number"] == [expected]


@pytest.mark.django_db
def test_case_number_error_from_api_is_chinese_by_default(api, judge_xixia):
    api.as_officer(judge_xixia)
    response = api.get("/api/v1/cases/", {"number": "2024-123"})
    assert response.status_code == 400
    assert response.json()["number"][0].startswith("案号格式错误")


def test_fixed_domain_terms_have_their_agreed_english_names():
    agreed = {
        "执行指挥中心": "Execution Command Centre",
        "冻结": "Freeze",
        "续冻": "Renew",
        "解冻": "Unfreeze",
        "扣划": "Deduct",
        "查封": "Seal",
        "失信被执行人名单": "Dishonest list",
        "限制高消费": "Consumption restriction",
        "长期未结": "Long-pending",
        "终结本次执行程序": "Termination of this round of execution",
        "执行完毕": "Execution completed",
        "案号": "Case number",
        "执行法官": "Enforcement judge",
        "执行局长": "Approver (head of enforcement bureau)",
        "值班员": "Duty officer",
        "指挥中心主任": "Command-centre director",
        "网络执行查控": "Network query and control",
        "下载执行裁定书": "Download ruling",
        "下载协助执行通知书": "Download assistance notice",
    }
    catalogue = {e.msgid: e.msgstr for e in _entries()}
    assert {k: catalogue.get(k) for k in agreed} == agreed


# --- the catalogue itself ------------------------------------------------------------------------


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = _entries()
    assert len(entries) > 1000  # the parser really read the catalogue
    untranslated = [e.msgid for e in entries if not e.msgstr.strip()]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], "run makemessages, then translate these (locale/tools/fill_po.py)"
    assert fuzzy == [], "review these changed strings and drop the fuzzy flag"


def test_english_translations_keep_placeholders_and_markup_and_contain_no_chinese():
    tool = _po_tool()
    bad = {e.msgid: tool.problems(e) for e in _entries() if tool.problems(e)}
    assert bad == {}


def test_compiled_mo_holds_exactly_the_po_translations():
    # Compare contents, not timestamps: a git checkout gives both files arbitrary mtimes.
    with MO.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    compiled = {k: v for k, v in catalog.items() if k}
    source = {e.msgid: e.msgstr for e in _entries()}
    stale = {k: (compiled.get(k), v) for k, v in source.items() if compiled.get(k) != v}
    assert stale == {}, "run: manage.py compilemessages -l en --ignore=.venv"
    assert set(compiled) == set(source)


def test_mo_file_is_tracked_by_git_and_not_ignored():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run([git, "check-ignore", "-q", str(MO)], cwd=ROOT)
    assert ignored.returncode == 1, ".gitignore excludes the compiled catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogue_covers_every_translatable_string_in_the_code(tmp_path, monkeypatch):
    """Re-run makemessages on a copy of the sources: every msgid it finds must already be translated,
    and the catalogue must hold no msgid the code no longer uses."""
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if path.suffix in {".py", ".html", ".txt"} and not IGNORED_DIRS.intersection(rel.parts) and path.is_file():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, tmp_path / rel)
    (tmp_path / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copyfile(PO, tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["en"], ignore_patterns=sorted(IGNORED_DIRS - {"locale"}), verbosity=0)
    fresh = _entries(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = [e.msgid for e in fresh if not e.msgstr.strip() or "fuzzy" in e.flags]
    assert missing == [], "new or changed strings: run makemessages and translate them"
    assert {e.msgid for e in fresh} == {e.msgid for e in _entries()}


def test_the_catalogue_tool_reads_entries_flags_and_escapes_through_polib(tmp_path):
    tool = _po_tool()
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#: a.py:1\n#, fuzzy, python-format\nmsgid "第%(n)s个"\n'
        'msgstr "No. %(n)s"\n\nmsgid "两行\\n文本"\nmsgstr ""\n\n#~ msgid "旧"\n#~ msgstr "old"\n'
    )
    metadata, entries = tool.parse(text)
    assert metadata["Language"] == "en"
    assert [(e.msgid, e.msgstr) for e in entries] == [
        ("第%(n)s个", "No. %(n)s"),
        ("两行\n文本", ""),
    ]  # obsolete left out
    assert tool.problems(entries[0]) == ["fuzzy"] and tool.problems(entries[1]) == ["untranslated"]
    assert tool.unquote(tool.quote('a "b"\n\tc')) == 'a "b"\n\tc'
