"""Write docs/permissions.md: the role × action table, generated from the one permission policy (execcenter.policy)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from execcenter import policy
from execcenter.choices import PartnerKind, Role

COLUMNS = (
    [(r.value, str(r.label)) for r in Role]
    + [("superuser", "超级用户")]
    + [(f"key:{k.value}", f"{k.label}密钥") for k in PartnerKind]
    + [("anonymous", "公众")]
)


def cell(rule, column):
    """✔ allowed, ✔¹ only on the officer's own court's records, blank refused."""
    if rule.public:
        return "✔"
    if column == "superuser":
        return "✔" if rule.admin else ""
    if column == "anonymous":
        return ""
    if column.startswith("key:"):
        return f"✔ ({rule.partner_action})" if column[4:] in rule.partner_kinds else ""
    if column in rule.roles:
        return "✔¹" if rule.own_court else "✔"
    return ""


def render():
    lines = [
        "# Who may do what (谁可以做什么)",
        "",
        "Generated from `execcenter/policy.py` and the apps' `rules.py` by `manage.py permissions_table`; "
        "`tests/permissions/test_docs.py` fails when this file is out of date. Every route of the product names one of "
        "these actions (`tests/permissions/test_routes_declared.py`), and `tests/permissions/test_matrix.py` checks "
        "every route against every persona.",
        "",
        "How a request is answered, in this order: a record outside the actor's court subtree answers **404** (as if it "
        "did not exist); a role or key the rule does not name answers **403**; a record in a state the rule refuses "
        "answers **409**. Each refusal carries a Chinese and English message and changes nothing.",
        "",
        "- ✔ — allowed within the actor's visible courts (own court and every court below it);",
        "- ✔¹ — only on records of the officer's own court (a higher court sees and supervises, it acts after a transfer);",
        "- a key's cell names the partner action (`PartnerAction`) the key must also hold; a bank or registry gateway "
        "key (查控协助单位) sees only the tasks addressed to its own institution;",
        "- “state” says when the record's state refuses (409); “four-eyes” marks a second person's decision, never the "
        "requester's.",
        "",
    ]
    by_area = {}
    for r in policy.RULES.values():
        by_area.setdefault(r.area, []).append(r)
    header = "| action | 说明 | " + " | ".join(label for _c, label in COLUMNS) + " | state / four-eyes | basis |"
    rule_line = "|" + "---|" * (len(COLUMNS) + 4)
    for area in sorted(by_area):
        lines += [f"## {area}", "", header, rule_line]
        for r in sorted(by_area[area], key=lambda r: r.action):
            notes = []
            if r.state is not None:
                notes.append("state")
            if r.check is not None:  # each check's docstring says what it adds, in one line
                notes.append((r.check.__doc__ or r.check.__name__).strip().splitlines()[0])
            cells = " | ".join(cell(r, c) for c, _l in COLUMNS)
            lines.append(f"| `{r.action}` | {r.label} | {cells} | {'; '.join(notes)} | {r.basis} |")
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "写出 docs/permissions.md（由权限策略生成的角色 × 操作表）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查文件是否最新")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise SystemExit("docs/permissions.md is out of date: run manage.py permissions_table")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path} ({len(policy.RULES)} actions)")
