"""Every audited action reads in Chinese on the audit page (issue #13 item 13): each action code that the product's
code can write to the audit log has a label (execcenter.audit_labels), and the page shows labels and readable
details, not codes and dicts."""

import ast
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse

from cases.choices import ApprovalKind
from execcenter.audit_labels import action_label, details_text
from execcenter.services import audit

APPS = ("cases", "command", "dashboards", "workbench", "querycontrol", "execcenter")
# Calls that write an audit row, and where their action code is: positional index and/or the keyword "action".
# `_record` is the cases app's event-and-audit helper, `_transition` the letters' (command.services.linkage).
WRITERS = {"audit": 1, "audit_bulk": 1, "export_response": None, "issue_key": None, "_record": 4, "_transition": 4}
# Functions that pass on an action code they were given (their callers are scanned instead).
FORWARDERS = {
    ("cases/services/common.py", "_record"),
    ("command/services/linkage.py", "_transition"),
    ("execcenter/partner_keys.py", "issue_key"),
    ("execcenter/exports.py", "export_response"),
}


def _codes(node, where):
    """The action codes an expression can evaluate to; an expression the test cannot read fails it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, where) | _codes(node.orelse, where)
    if isinstance(node, ast.JoinedStr):  # f"approval.<step>.{kind}": one code per approval kind
        head = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if head.startswith("approval.") and len(node.values) == 2:
            return {head + kind for kind in ApprovalKind.values}
    raise AssertionError(f"{where}: an audited action the label test cannot read: {ast.unparse(node)}")


def audited_codes():
    """Every action code written to the audit log by the apps' code, read from the source."""
    found = set()
    for app in APPS:
        for path in pathlib.Path(settings.BASE_DIR, app).rglob("*.py"):
            rel = path.relative_to(settings.BASE_DIR).as_posix()
            if "/migrations/" in rel:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and (rel, node.name) in FORWARDERS:
                    args = node.args.args + node.args.kwonlyargs
                    defaults = dict(zip(reversed([a.arg for a in node.args.args]), reversed(node.args.defaults)))
                    defaults |= {a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d}
                    if "action" in defaults and "action" in {a.arg for a in args}:
                        found |= _codes(defaults["action"], f"{rel}:{node.lineno}")
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name not in WRITERS or (name == "_record" and not rel.startswith("cases/")):
                    continue
                arg = next((kw.value for kw in node.keywords if kw.arg == "action"), None)
                index = WRITERS[name]
                if arg is None and index is not None and len(node.args) > index:
                    arg = node.args[index]
                if arg is None:
                    continue  # the function's default (collected above)
                scope = parents.get(node)
                while scope is not None and not isinstance(scope, ast.FunctionDef):
                    scope = parents.get(scope)
                if isinstance(arg, ast.Name) and scope is not None and (rel, scope.name) in FORWARDERS:
                    continue  # passes on its caller's code
                found |= _codes(arg, f"{rel}:{node.lineno}")
    return found


def test_every_audited_action_code_has_a_chinese_label():
    codes = audited_codes()
    assert len(codes) > 80  # the scan reads the whole product, not a corner of it
    missing = sorted(code for code in codes if action_label(code) == code)
    assert missing == []
    for code in codes:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(action_label(code))), code


def test_an_unknown_code_shows_as_itself_so_nothing_is_hidden():
    assert action_label("something.new") == "something.new"


@pytest.mark.parametrize(
    "details, shown, hidden",
    [
        ({"note": "已电话联系"}, ["备注：已电话联系"], ["{", "'note'"]),
        (
            {"filters": ["id_number", "phone"], "purpose": "案件办理"},
            ["筛选条件", "id_number、phone", "用途：案件办理"],
            ["["],
        ),
        ({"page": "case_detail", "found": True}, ["页面：case_detail", "是否找到：是"], ["True"]),
        ({"amount": "1200.00", "nested": {"a": 1}}, ["金额：1200.00", "nested：a=1"], ["{"]),
        ({}, [""], []),
    ],
)
def test_details_read_as_labelled_text(details, shown, hidden):
    text = str(details_text(details))
    assert all(s in text for s in shown), text
    assert not any(h in text for h in hidden), text


@pytest.mark.django_db
def test_the_audit_page_shows_labels_and_readable_details(client, auditor_high, judge_xixia):
    audit(judge_xixia.user, "personal_data.search", details={"filters": ["phone"], "purpose": "案件办理"})
    audit(judge_xixia.user, "approval.request.payout", details={"amount": "2000.00"})
    client.force_login(auditor_high.user)
    page = client.get(reverse("audit-log")).content.decode()
    assert str(action_label("personal_data.search")) in page and str(action_label("approval.request.payout")) in page
    assert "用途：案件办理" in page and "金额：2000.00" in page
    assert "{&#x27;" not in page and "{'" not in page  # no raw dicts
