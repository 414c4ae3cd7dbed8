"""Loading the organisation: the demo province's courts (from the reference CSV) and demo logins."""

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from execcenter.choices import PartnerAction, PartnerKind, Role
from execcenter.models import Court, Officer, PartnerClient

COURTS_CSV = Path(__file__).resolve().parent / "data" / "ningxia_courts.csv"


@transaction.atomic
def load_courts(path=COURTS_CSV):
    """Create or update the courts from the CSV (parents first). Idempotent. Returns {code: Court}."""
    with open(path, encoding="utf-8") as fh:
        return _load_rows(list(csv.DictReader(fh)))


def _load_rows(rows):
    """Create or update the courts of CSV-shaped `rows` (parents first); returns every court by code."""
    existing = {c.code: c for c in Court.objects.all()}
    order = {"high": 0, "intermediate": 1, "basic": 2}
    for row in sorted(rows, key=lambda r: order[r["level"]]):
        values = {
            "name": row["name"],
            "short_name": row["short_name"],
            "level": row["level"],
            "parent": existing.get(row["parent_code"]) if row["parent_code"] else None,
            "division_code": row["division_code"],
        }
        court = existing.get(row["code"])
        if court is None:
            existing[row["code"]] = Court.objects.create(code=row["code"], **values)
        elif any(getattr(court, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(court, k, v)
            court.save()
    return existing


# The synthetic large province (issue 17: ~200 courts, as the largest provinces have): the demo province's 28 courts
# plus cities 宁06 … of 1 intermediate and 12 basic courts each, coded in the same scheme (宁 ⊃ 宁06 ⊃ 宁0602) with
# 6-digit division codes 6406xx …, so case numbers, ID numbers and code-prefix scopes work as for the real courts.
LARGE_CITY_FIRST = 6
LARGE_DISTRICTS = ["02", "03", "04", "05", "21", "22", "23", "24", "25", "26", "81", "82"]
CHINESE_NUMERALS = "〇一二三四五六七八九"


def _numeral(n):
    """6 → 六, 12 → 十二, 18 → 十八 (the synthetic cities' names; n < 100)."""
    tens, ones = divmod(n, 10)
    return (
        (CHINESE_NUMERALS[tens] if tens > 1 else "") + ("十" if tens else "") + (CHINESE_NUMERALS[ones] if ones else "")
    )


def large_province_rows(cities=13):
    """CSV-shaped rows of the synthetic cities (what load_courts reads), `cities` × (1 + 12) courts; with the 28 demo
    courts, 13 cities make 197 courts."""
    rows = []
    for i in range(LARGE_CITY_FIRST, LARGE_CITY_FIRST + cities):
        city, code, division = f"模拟{_numeral(i)}市", f"宁{i:02d}", 640000 + i * 100
        rows.append(
            {
                "code": code,
                "name": f"宁夏回族自治区{city}中级人民法院",
                "short_name": f"{city}中院",
                "level": "intermediate",
                "parent_code": "宁",
                "division_code": str(division),
            }
        )
        for district in LARGE_DISTRICTS:
            rows.append(
                {
                    "code": f"{code}{district}",
                    "name": f"{city}第{district}区人民法院",
                    "short_name": f"{city}{district}区法院",
                    "level": "basic",
                    "parent_code": code,
                    "division_code": str(division + int(district)),
                }
            )
    return rows


@transaction.atomic
def load_large_province(cities=13):
    """The demo province's courts plus `cities` synthetic cities (large_province_rows). Idempotent. Returns
    {code: Court}."""
    load_courts()
    return _load_rows(large_province_rows(cities))


DEMO_PASSWORD = "demo12345"

# (username, name, court code, roles, staff?) — one login per role, at the courts the personas use.
DEMO_OFFICERS = [
    ("admin", "系统管理员", "宁", [Role.ADMIN], True),
    ("director", "马建国", "宁", [Role.DIRECTOR, Role.DUTY], False),
    ("high_duty_a", "李静", "宁", [Role.DUTY], False),
    ("high_duty_b", "王磊", "宁", [Role.DUTY], False),
    ("auditor", "周审", "宁", [Role.AUDITOR], False),
    ("yc_director", "杨帆", "宁01", [Role.DIRECTOR, Role.DUTY], False),
    ("yc_duty", "赵敏", "宁01", [Role.DUTY], False),
    ("yc_approver", "孙立", "宁01", [Role.APPROVER], False),
    ("xixia_judge", "张伟", "宁0105", [Role.JUDGE], False),
    ("xixia_officer", "刘洋", "宁0105", [Role.OFFICER], False),
    ("xixia_approver", "陈刚", "宁0105", [Role.APPROVER], False),
    ("xixia_duty", "何芳", "宁0105", [Role.DUTY], False),
    ("xixia_president", "吴国强", "宁0105", [Role.PRESIDENT], False),
    ("jingyuan_judge", "马晓东", "宁0424", [Role.JUDGE], False),
    ("jingyuan_approver", "海波", "宁0424", [Role.APPROVER], False),
]


@transaction.atomic
def create_demo_logins(password=DEMO_PASSWORD):
    """Demo users for every role (idempotent). Returns [(username, name, court, roles)]."""
    User = get_user_model()
    courts = {c.code: c for c in Court.objects.all()}
    out = []
    for username, name, code, roles, staff in DEMO_OFFICERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": staff, "is_superuser": staff}
        )
        if created:
            user.set_password(password)
            user.save()
        Officer.objects.update_or_create(
            user=user, defaults={"court": courts[code], "name": name, "roles": [str(r) for r in roles]}
        )
        out.append((username, name, courts[code].short_name, [Role(r).label for r in roles]))
    return out


def create_demo_partner(name, kind, court_code, actions, institution_code="", raw_key=None):
    """A partner API client with a known key (demo only; production keys come from the admin)."""
    court = Court.objects.get(code=court_code)
    client = PartnerClient.objects.filter(name=name).first() or PartnerClient(name=name)
    client.kind, client.court, client.actions, client.institution_code = kind, court, list(actions), institution_code
    key = client.set_key(raw_key)
    client.save()
    return client, key


DEMO_PARTNERS = [
    (
        "执行办案系统",
        PartnerKind.CASE_SYSTEM,
        "宁",
        [PartnerAction.READ, PartnerAction.WRITE_CASES, PartnerAction.QUERY, PartnerAction.CONTROL],
    ),
    ("执行公开系统", PartnerKind.DISCLOSURE, "宁", [PartnerAction.READ]),
]


def demo_partner_key(i):
    """Known demo keys so the README can show a working curl line; production keys are random."""
    return f"ec_demo{i:04d}_partner-demo-key-{i}"
