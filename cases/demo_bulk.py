"""Bulk generator of demo cases with their parties, filing events and money (`manage.py seed_demo`).

A million cases must load in minutes, so rows are built in Python with explicit primary keys and written
with PostgreSQL COPY (or executemany on SQLite) in chunks, never one save() per row. The same seed gives the
same data. Running it again only tops the province up to N cases.
"""
import datetime as dt
import io
import json
import random
import threading
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from faker.providers.company.zh_CN import Provider as CompanyNames
from faker.providers.person.zh_CN import Provider as PersonNames

from execcenter.choices import CourtLevel, Role
from execcenter.models import Court, Officer
from execcenter.validators import USCC_CHARS, credit_code_check_char, format_case_number, resident_id_check_char

from . import deadlines
from .choices import CaseStatus, CaseTag, CaseType, ClosureType, MoneyKind, PartyKind, PartyRole, ReceiptSource
from .models import Case, CaseEvent, CaseParty, CaseSequence, MoneyEntry, Party

CHUNK = 50_000
CST = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST: a fixed offset is exact and fast
YEARS_BACK = 3
CAUSES = ["民间借贷纠纷", "金融借款合同纠纷", "买卖合同纠纷", "劳务合同纠纷", "追索劳动报酬纠纷", "建设工程施工合同纠纷",
          "信用卡纠纷", "租赁合同纠纷", "机动车交通事故责任纠纷", "离婚后财产纠纷", "抚养费纠纷", "服务合同纠纷",
          "承揽合同纠纷", "股权转让纠纷", "物业服务合同纠纷"]
CASE_TYPE_WEIGHTS = [(CaseType.FIRST, 80), (CaseType.RESUMED, 7), (CaseType.PRESERVATION, 8), (CaseType.OBJECTION, 2),
                     (CaseType.REVIEW, 1), (CaseType.SUPERVISION, 1), (CaseType.COORDINATION, 1)]
CLOSURE_WEIGHTS = [(ClosureType.COMPLETED, 45), (ClosureType.TERMINATED_THIS_ROUND, 35), (ClosureType.TERMINATED, 8),
                   (ClosureType.WITHDRAWN, 5), (ClosureType.NOT_ENFORCED, 4), (ClosureType.REJECTED, 3)]
OPEN_STATUS_WEIGHTS = [(CaseStatus.FILED, 5), (CaseStatus.ASSIGNED, 10), (CaseStatus.INVESTIGATING, 35),
                       (CaseStatus.CONTROLLING, 25), (CaseStatus.DISPOSING, 15), (CaseStatus.SUSPENDED, 10)]
JUDGES_PER_COURT = {CourtLevel.HIGH: 4, CourtLevel.INTERMEDIATE: 6, CourtLevel.BASIC: 10}
COURT_WEIGHT = {CourtLevel.HIGH: 1, CourtLevel.INTERMEDIATE: 8, CourtLevel.BASIC: 40}
SURNAME_PAIRS = list(PersonNames.last_names.items()) if isinstance(PersonNames.last_names, dict) else [(n, 1) for n in PersonNames.last_names]
GIVEN = list(PersonNames.first_names)
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _cumulative(pairs):
    values, cum, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


_CUM = {}


def _weighted(rng, pairs):
    key = id(pairs)
    if key not in _CUM:
        _CUM[key] = _cumulative(pairs)
    values, cum = _CUM[key]
    return rng.choices(values, cum_weights=cum)[0]


class _Ids:
    """Primary keys handed out in Python so child rows can reference parents before the COPY."""

    def __init__(self, model):
        self.model = model
        self.next = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def take(self):
        value = self.next
        self.next += 1
        return value

    def sync_sequence(self):
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            with connection.cursor() as cur:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [max(self.next - 1, 1)])


def _row_defaults(model, given):
    """Defaults for every concrete column the generator does not set (so fields added later still load)."""
    out = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        default = field.get_default()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = timezone.now()
        if isinstance(field, models.JSONField):
            default = json.dumps(default)
        out[field.column] = default
    return out


def _plain(value):
    return value


_TEXT = {
    str: _plain,
    int: str,
    Decimal: str,
    type(None): lambda v: r"\N",
    bool: lambda v: "t" if v else "f",
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
}


def _text(value):
    """PostgreSQL COPY text format; generated values never contain tabs, newlines or backslashes."""
    convert = _TEXT.get(type(value))
    return convert(value) if convert else str(value)  # TextChoices members: str() is their value


class _Writer:
    """Writes chunks while the next one is generated: PostgreSQL's COPY runs in a thread on the raw
    connection (psycopg2 releases the GIL), so the database and Python work at the same time."""

    def __init__(self):
        self.thread, self.error = None, None

    def submit(self, batches):
        self.wait()
        if connection.vendor != "postgresql":
            for model, columns, rows in batches:
                _write(model, columns, rows)
            return
        raw = connection.connection

        def run():
            try:
                for model, columns, rows in batches:
                    _copy(raw, model, columns, rows)
            except Exception as exc:  # re-raised in the generating thread by wait()
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def wait(self):
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error


def _copy(raw_connection, model, columns, rows):
    buf = io.StringIO()
    buf.writelines("\t".join(map(_text, row)) + "\n" for row in rows)
    buf.seek(0)
    with raw_connection.cursor() as cur:
        cur.copy_expert(f'COPY {model._meta.db_table} ({", ".join(columns)}) FROM STDIN', buf)


def _write(model, columns, rows):
    """COPY on PostgreSQL, executemany elsewhere; `rows` are tuples in `columns` order."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        _copy(connection.connection, model, columns, rows)
    else:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cur:
            cur.executemany(f'INSERT INTO {model._meta.db_table} ({", ".join(columns)}) VALUES ({marks})', rows)


def ensure_judges(rng):
    """Judges, officers and an approver per court (bulk, one password hash); returns {court_id: [officer ids]}."""
    User = get_user_model()
    courts = list(Court.objects.all())
    have = {}
    for court_id, officer_id, roles in Officer.objects.values_list("court_id", "pk", "roles"):
        if Role.JUDGE in roles:
            have.setdefault(court_id, []).append(officer_id)
    password = make_password("demo12345")
    to_make = []
    for court in courts:
        need = JUDGES_PER_COURT[court.level] - len(have.get(court.pk, []))
        for i in range(max(need, 0)):
            to_make.append((court, f"judge_{court.division_code}_{len(have.get(court.pk, [])) + i + 1}"))
    if to_make:
        users = User.objects.bulk_create([User(username=u, password=password) for _, u in to_make])
        officers = [
            Officer(user=user, court=court, name=_person_name(rng), roles=[Role.JUDGE.value], badge_no=f"{court.division_code}{i:03d}")
            for i, ((court, _), user) in enumerate(zip(to_make, users))
        ]
        for officer in Officer.objects.bulk_create(officers):
            have.setdefault(officer.court_id, []).append(officer.pk)
    return have


def _person_name(rng):
    surname = _weighted(rng, SURNAME_PAIRS)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


class _PartyMaker:
    def __init__(self, rng, divisions):
        self.rng, self.divisions = rng, divisions
        self.seen = set(Party.objects.values_list("id_number", flat=True))
        self.recent = []  # parties reused as repeat debtors

    def person_id(self, division):
        rng = self.rng
        while True:
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 52))
            first17 = f"{division}{born:%Y%m%d}{rng.randrange(1000):03d}"
            value = first17 + resident_id_check_char(first17)
            if value not in self.seen:
                self.seen.add(value)
                return value

    def credit_code(self, division):
        rng = self.rng
        while True:
            org = "".join(rng.choice(ORG_CHARS) for _ in range(9))
            first17 = f"91{division}{org}"
            value = first17 + credit_code_check_char(first17)
            if all(c in USCC_CHARS for c in value) and value not in self.seen:
                self.seen.add(value)
                return value

    def make(self, division, organisation):
        rng = self.rng
        if organisation:
            name = rng.choice(["宁夏", "银川", "石嘴山", "吴忠", "固原", "中卫"]) + rng.choice(CompanyNames.company_prefixes) + rng.choice(CompanyNames.company_suffixes)
            return (PartyKind.ORGANISATION, name, self.credit_code(division), f"0951-{rng.randrange(1000000, 9999999)}")
        return (PartyKind.PERSON, _person_name(rng), self.person_id(division), f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}")


def generate_cases(n, seed=20241, stdout=None, today=None):
    """Top the province up to `n` cases. Returns how many were created."""
    existing = Case.objects.count()
    if existing >= n:
        return 0
    count = n - existing
    rng = random.Random(f"{seed}:{existing}")
    today = today or timezone.localdate()
    now = timezone.now().isoformat()  # a string: the same text for every row, formatted once
    courts = list(Court.objects.all())
    basic_divisions = [c.division_code for c in courts if c.level == CourtLevel.BASIC]
    judges = ensure_judges(random.Random(f"{seed}:judges"))  # its own stream: existing judges must not shift the cases
    court_pairs = [(c, COURT_WEIGHT[c.level]) for c in courts]

    # Decide court, type and filing date first, then number each court/type/year in filing order.
    plan = []
    start = today - dt.timedelta(days=365 * YEARS_BACK)
    for _ in range(count):
        court = _weighted(rng, court_pairs)
        filed = start + dt.timedelta(days=int((365 * YEARS_BACK) * rng.random() ** 0.8))
        plan.append((filed, court.pk, _weighted(rng, CASE_TYPE_WEIGHTS)))
    plan.sort()
    seqs = {(s.court_id, s.case_type, s.year): s.last for s in CaseSequence.objects.all()}
    court_by_id = {c.pk: c for c in courts}

    case_ids, party_ids, cp_ids, ev_ids, money_ids = (_Ids(m) for m in (Case, Party, CaseParty, CaseEvent, MoneyEntry))
    parties = _PartyMaker(rng, basic_divisions)
    case_cols = ["id", "number", "court_id", "year", "case_type", "sequence", "cause", "origin_body", "origin_document_no",
                 "filed_on", "claim_amount", "recovered_amount", "outstanding_amount", "costs_amount", "status", "closure_type",
                 "closed_on", "assigned_judge_id", "responsible_officer_id", "tags", "is_livelihood", "is_migrant_wages",
                 "is_enterprise", "is_government", "is_financial", "assignment_due", "statutory_deadline", "suspended_days",
                 "suspended_since", "created_at", "updated_at"]
    case_extra = _row_defaults(Case, set(case_cols) | {"id"})
    case_cols_all = case_cols + list(case_extra)
    party_cols = ["id", "kind", "name", "id_number", "phone", "address", "created_at"]
    party_extra = _row_defaults(Party, set(party_cols))
    ev_cols = ["id", "case_id", "at", "kind", "actor_id", "actor_label", "summary", "details"]
    money_cols = ["id", "case_id", "kind", "source", "amount", "occurred_at", "payout_due", "paid_out_amount", "payee_id",
                  "reference", "note", "created_by_id"]
    money_extra = _row_defaults(MoneyEntry, set(money_cols))

    made = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:  # explicit ids: keep concurrent writers out while we load
                cur.execute(f"LOCK TABLE {Case._meta.db_table}, {Party._meta.db_table} IN EXCLUSIVE MODE")
        writer = _Writer()
        connection.ensure_connection()
        for offset in range(0, count, CHUNK):
            case_rows, party_rows, cp_rows, ev_rows, money_rows = [], [], [], [], []
            for filed, court_id, ctype in plan[offset:offset + CHUNK]:
                court = court_by_id[court_id]
                key = (court_id, ctype, filed.year)
                seqs[key] = seqs.get(key, 0) + 1
                seq = seqs[key]
                cid = case_ids.take()
                claim = Decimal(int(rng.lognormvariate(10.5, 1.3)) + 500).quantize(Decimal("0.01"))
                age = (today - filed).days
                p_closed = 0.9 if age > 365 else 0.75 if age > 180 else 0.4 if age > 60 else 0.1
                closure, closed_on, status, recovered = "", None, None, Decimal("0.00")
                if ctype != CaseType.FIRST and ctype not in (CaseType.RESUMED, CaseType.PRESERVATION):
                    closure_pool = [(ClosureType.COMPLETED, 60), (ClosureType.REJECTED, 25), (ClosureType.WITHDRAWN, 15)]
                else:
                    closure_pool = CLOSURE_WEIGHTS
                if rng.random() < p_closed:
                    status = CaseStatus.CLOSED
                    closure = _weighted(rng, closure_pool)
                    closed_on = min(filed + dt.timedelta(days=rng.randrange(15, 330)), today)
                    if closure == ClosureType.COMPLETED:
                        recovered = claim
                    elif closure == ClosureType.TERMINATED_THIS_ROUND:
                        recovered = (claim * Decimal(rng.random() * 0.3)).quantize(Decimal("0.01"))
                else:
                    status = _weighted(rng, OPEN_STATUS_WEIGHTS)
                    if status in (CaseStatus.DISPOSING, CaseStatus.CONTROLLING) and rng.random() < 0.5:
                        recovered = (claim * Decimal(rng.random() * 0.6)).quantize(Decimal("0.01"))
                judge = rng.choice(judges[court_id]) if status != CaseStatus.FILED else None
                tags = []
                if rng.random() < 0.12:
                    tags.append(CaseTag.LIVELIHOOD)
                if rng.random() < 0.05:
                    tags.append(CaseTag.MIGRANT_WAGES)
                if rng.random() < 0.25:
                    tags.append(CaseTag.ENTERPRISE)
                if rng.random() < 0.02:
                    tags.append(CaseTag.GOVERNMENT)
                if rng.random() < 0.15:
                    tags.append(CaseTag.FINANCIAL)
                suspended_days = rng.randrange(10, 90) if status == CaseStatus.SUSPENDED else 0
                suspended_since = today - dt.timedelta(days=suspended_days) if status == CaseStatus.SUSPENDED else None
                case_rows.append((
                    cid, format_case_number(filed.year, court.code, ctype, seq), court_id, filed.year, ctype, seq,
                    rng.choice(CAUSES), court.name, f"（{filed.year - 1}）{court.code}民初{rng.randrange(1, 9000)}号", filed,
                    claim, recovered, max(claim - recovered, Decimal("0.00")), (claim * Decimal("0.01")).quantize(Decimal("0.01")),
                    status, closure, closed_on, judge, judge, json.dumps(sorted(tags)), CaseTag.LIVELIHOOD in tags,
                    CaseTag.MIGRANT_WAGES in tags, CaseTag.ENTERPRISE in tags, CaseTag.GOVERNMENT in tags,
                    CaseTag.FINANCIAL in tags, deadlines.assignment_due(filed), deadlines.statutory_deadline(filed, 0),
                    0, suspended_since, now, now, *case_extra.values(),
                ))
                division = court.division_code if court.level == CourtLevel.BASIC else rng.choice(basic_divisions)
                roles = [(PartyRole.APPLICANT, rng.random() < 0.3)] + [(PartyRole.RESPONDENT, rng.random() < 0.25)
                                                                          for _ in range(1 if rng.random() < 0.8 else 2)]
                applicant_id, in_case = None, set()
                for role, organisation in roles:
                    pid = rng.choice(parties.recent) if parties.recent and role == PartyRole.RESPONDENT and rng.random() < 0.1 else None
                    if pid is not None and pid not in in_case:
                        pass  # a repeat debtor: one party record across cases
                    else:
                        pid = party_ids.take()
                        kind, name, number, phone = parties.make(division, organisation)
                        party_rows.append((pid, kind, name, number, phone, f"宁夏回族自治区{court.short_name.replace('法院', '')}{rng.randrange(1, 300)}号",
                                           now, *party_extra.values()))
                        if role == PartyRole.RESPONDENT:
                            parties.recent.append(pid)
                            if len(parties.recent) > 5000:
                                parties.recent = parties.recent[-2500:]
                    if role == PartyRole.APPLICANT:
                        applicant_id = pid
                    in_case.add(pid)
                    cp_rows.append((cp_ids.take(), cid, pid, role))
                filed_at = dt.datetime.combine(filed, dt.time(9, 0), CST)
                ev_rows.append((ev_ids.take(), cid, filed_at, "filed", None, "立案庭", "立案", json.dumps({"number": seq})))
                if recovered > 0:
                    received = filed + dt.timedelta(days=min(rng.randrange(10, 200), max(age, 0)))
                    received_at = dt.datetime.combine(received, dt.time(10, 0), CST)
                    paid = recovered if (status == CaseStatus.CLOSED or rng.random() < 0.8) else Decimal("0.00")
                    money_rows.append((money_ids.take(), cid, MoneyKind.RECEIPT, rng.choice([ReceiptSource.DEDUCTION, ReceiptSource.VOLUNTARY]),
                                       recovered, received_at, deadlines.payout_due(received), paid, None, None, "", None, *money_extra.values()))
                    if paid:
                        paid_at = received_at + dt.timedelta(days=rng.randrange(1, 25))
                        money_rows.append((money_ids.take(), cid, MoneyKind.PAYOUT, ReceiptSource.PAYOUT, paid, paid_at, None,
                                           Decimal("0.00"), applicant_id, None, "", None, *money_extra.values()))
                if status == CaseStatus.CLOSED:
                    closed_at = dt.datetime.combine(closed_on, dt.time(16, 0), CST)
                    ev_rows.append((ev_ids.take(), cid, closed_at, "closed", None, "系统", f"结案：{ClosureType(closure).label}",
                                    json.dumps({"closure_type": closure})))
                made += 1
            writer.submit([
                (Case, case_cols_all, case_rows),
                (Party, party_cols + list(party_extra), party_rows),
                (CaseParty, ["id", "case_id", "party_id", "role"], cp_rows),
                (CaseEvent, ev_cols, ev_rows),
                (MoneyEntry, money_cols + list(money_extra), money_rows),
            ])
            if stdout:
                stdout.write(f"  已生成 {made}/{count} 件案件")
        writer.wait()
        for ids in (case_ids, party_ids, cp_ids, ev_ids, money_ids):
            ids.sync_sequence()
        existing_seq = {(s.court_id, s.case_type, s.year): s for s in CaseSequence.objects.all()}
        new_seq = []
        for (court_id, ctype, year), last in seqs.items():
            row = existing_seq.get((court_id, ctype, year))
            if row is None:
                new_seq.append(CaseSequence(court_id=court_id, case_type=ctype, year=year, last=last))
            elif row.last != last:
                CaseSequence.objects.filter(pk=row.pk).update(last=last)
        CaseSequence.objects.bulk_create(new_seq)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for model in (Case, Party, CaseParty, CaseEvent, MoneyEntry):
                cur.execute(f"ANALYZE {model._meta.db_table}")
    return made
