"""Bulk generator of demo cases with their parties, filing events and money (`manage.py seed_demo`).

A million cases must load in minutes, so rows are never saved one by one:

- the parent process plans every case first (court, type, filing date), sorts the plan by filing date and numbers
  each court/type/year gaplessly in that order, so case ids and numbers are fixed before any row is built;
- chunks of CHUNK cases are built as PostgreSQL COPY text by worker processes (forked, so they inherit the plan
  and never touch the database) or in-process; each chunk has its own random stream and its own blocks of
  primary keys, so its rows do not depend on which process built it;
- the parent writes the chunks in order inside one transaction (COPY on PostgreSQL, executemany on SQLite):
  a failure anywhere leaves nothing behind.

ID numbers are unique by construction across chunks: chunk k draws only ID numbers of class k % CLASSES (the
3-digit sequence of a resident ID, the first organisation character of a credit code), and the chunks of one
class are built in order by one process, which remembers what it made. So the same seed gives the same data
whatever the number of processes. Running it again only tops the province up to N cases.
"""

import datetime as dt
import io
import json
import math
import multiprocessing
import os
import random
import traceback
from array import array
from bisect import bisect
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from faker.providers.company.zh_CN import Provider as CompanyNames
from faker.providers.person.zh_CN import Provider as PersonNames

from execcenter.choices import CourtLevel, Role
from execcenter.models import Court, Officer
from execcenter.validators import USCC_CHARS, credit_code_check_char, format_case_number, resident_id_check_char

from . import deadlines, tally
from .choices import CaseStatus, CaseTag, CaseType, ClosureType, MoneyKind, PartyKind, PartyRole, ReceiptSource
from .models import Case, CaseEvent, CaseParty, CaseSequence, MoneyEntry, Party

CHUNK = 20_000
CLASSES = 12  # ID-number classes, and the most worker processes that can be used
MAX_PARTIES, MAX_EVENTS, MAX_MONEY = 3, 2, 2  # per case: the size of each chunk's primary-key blocks
YEARS_BACK = 3  # filing dates spread over this many years before today (generate_cases(years=…) for more)
OLD_CLOSED = 0.985  # cases older than three years that are closed (only with years > 3: the old backlog is mostly 终本)
CLOSE_EARLIEST = 15  # days from filing to the earliest closing day
CLOSE_SPAN = 315  # a closed case closed within this many days of its earliest possible closing day
TERMINATE_EARLIEST = 100  # 终本 more than three months after filing (终本规定 Art. 1(4)), with a week to spare
CAUSES = [
    "民间借贷纠纷",
    "金融借款合同纠纷",
    "买卖合同纠纷",
    "劳务合同纠纷",
    "追索劳动报酬纠纷",
    "建设工程施工合同纠纷",
    "信用卡纠纷",
    "租赁合同纠纷",
    "机动车交通事故责任纠纷",
    "离婚后财产纠纷",
    "抚养费纠纷",
    "服务合同纠纷",
    "承揽合同纠纷",
    "股权转让纠纷",
    "物业服务合同纠纷",
]
CASE_TYPE_WEIGHTS = [
    (CaseType.FIRST, 80),
    (CaseType.RESUMED, 7),
    (CaseType.PRESERVATION, 8),
    (CaseType.OBJECTION, 2),
    (CaseType.REVIEW, 1),
    (CaseType.SUPERVISION, 1),
    (CaseType.COORDINATION, 1),
]
CLOSURE_WEIGHTS = [
    (ClosureType.COMPLETED, 45),
    (ClosureType.TERMINATED_THIS_ROUND, 35),
    (ClosureType.TERMINATED, 8),
    (ClosureType.WITHDRAWN, 5),
    (ClosureType.NOT_ENFORCED, 4),
    (ClosureType.REJECTED, 3),
]
OTHER_CLOSURE_WEIGHTS = [(ClosureType.COMPLETED, 60), (ClosureType.REJECTED, 25), (ClosureType.WITHDRAWN, 15)]
OPEN_STATUS_WEIGHTS = [
    (CaseStatus.FILED, 5),
    (CaseStatus.ASSIGNED, 10),
    (CaseStatus.INVESTIGATING, 35),
    (CaseStatus.CONTROLLING, 25),
    (CaseStatus.DISPOSING, 15),
    (CaseStatus.SUSPENDED, 10),
]
# Plain strings of the choices used per row (an enum member's attribute lookup costs more than the row's f-string).
CLOSED, FILED, SUSPENDED, DISPOSING, CONTROLLING = (
    s.value
    for s in (CaseStatus.CLOSED, CaseStatus.FILED, CaseStatus.SUSPENDED, CaseStatus.DISPOSING, CaseStatus.CONTROLLING)
)
COMPLETED, TERMINATED_THIS_ROUND = ClosureType.COMPLETED.value, ClosureType.TERMINATED_THIS_ROUND.value
ENFORCING = {
    CaseType.FIRST.value,
    CaseType.RESUMED.value,
    CaseType.PRESERVATION.value,
}  # the other types close differently
PERSON, ORGANISATION, APPLICANT, RESPONDENT = (
    PartyKind.PERSON.value,
    PartyKind.ORGANISATION.value,
    PartyRole.APPLICANT.value,
    PartyRole.RESPONDENT.value,
)
RECEIPT, PAYOUT, DEDUCTION, VOLUNTARY, PAYOUT_SOURCE = (
    MoneyKind.RECEIPT.value,
    MoneyKind.PAYOUT.value,
    ReceiptSource.DEDUCTION.value,
    ReceiptSource.VOLUNTARY.value,
    ReceiptSource.PAYOUT.value,
)
TAGS = [
    (CaseTag.LIVELIHOOD, 0.12),
    (CaseTag.MIGRANT_WAGES, 0.05),
    (CaseTag.ENTERPRISE, 0.25),
    (CaseTag.GOVERNMENT, 0.02),
    (CaseTag.FINANCIAL, 0.15),
]  # the order of Case.is_livelihood … is_financial
JUDGES_PER_COURT = {CourtLevel.HIGH: 4, CourtLevel.INTERMEDIATE: 6, CourtLevel.BASIC: 10}
COURT_WEIGHT = {CourtLevel.HIGH: 1, CourtLevel.INTERMEDIATE: 8, CourtLevel.BASIC: 40}
SURNAME_PAIRS = (
    list(PersonNames.last_names.items())
    if isinstance(PersonNames.last_names, dict)
    else [(n, 1) for n in PersonNames.last_names]
)
GIVEN = list(PersonNames.first_names)
CITIES = ["宁夏", "银川", "石嘴山", "吴忠", "固原", "中卫"]
BIRTH_START, BIRTH_DAYS = dt.date(1950, 1, 1), 365 * 52
CST = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST: a fixed offset is exact
NULL = r"\N"  # COPY text's NULL

CASE_COLUMNS = [
    "id",
    "number",
    "court_id",
    "year",
    "case_type",
    "sequence",
    "cause",
    "origin_body",
    "origin_document_no",
    "filed_on",
    "claim_amount",
    "recovered_amount",
    "outstanding_amount",
    "costs_amount",
    "status",
    "closure_type",
    "closed_on",
    "notice_sent_on",
    "assigned_judge_id",
    "responsible_officer_id",
    "tags",
    "is_livelihood",
    "is_migrant_wages",
    "is_enterprise",
    "is_government",
    "is_financial",
    "assignment_due",
    "statutory_deadline",
    "suspended_days",
    "suspended_since",
    "created_at",
    "updated_at",
]
PARTY_COLUMNS = ["id", "kind", "name", "id_number", "created_at"]
# Contacts are entered per case by the case's court (issue #10): they live on the link, not the shared party.
LINK_COLUMNS = ["id", "case_id", "party_id", "role", "phone", "address", "contact_court_id"]
EVENT_COLUMNS = ["id", "case_id", "at", "kind", "actor_id", "actor_label", "summary", "details"]
MONEY_COLUMNS = [
    "id",
    "case_id",
    "court_id",
    "kind",
    "source",
    "amount",
    "occurred_at",
    "payout_due",
    "paid_out_amount",
    "payee_id",
    "reference",
    "note",
    "created_by_id",
]
TABLES = [
    (Case, CASE_COLUMNS),
    (Party, PARTY_COLUMNS),
    (CaseParty, LINK_COLUMNS),
    (CaseEvent, EVENT_COLUMNS),
    (MoneyEntry, MONEY_COLUMNS),
]


def _weighted(pairs):
    """A picker `pick(random)` for [(value, weight), …]: what random.choices does with cum_weights, minus its overhead."""
    values, cum = [getattr(v, "value", v) for v, _ in pairs], list(accumulate(w for _, w in pairs))
    total, hi = cum[-1], len(values) - 1
    return lambda random: values[bisect(cum, random() * total, 0, hi)]


_surname = _weighted(SURNAME_PAIRS)


def _person_name(random):
    given = GIVEN[int(random() * len(GIVEN))]
    if random() < 0.5:
        given += GIVEN[int(random() * len(GIVEN))]
    return _surname(random) + given


def _copy_text(value):
    """COPY text of one value, read back the same by PostgreSQL and (through _write) SQLite. Generated text never
    contains tabs, newlines or backslashes."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):  # naive UTC: Django's SQLite format, and the UTC session time zone on PostgreSQL
        return str(timezone.make_naive(value, dt.UTC))
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)  # TextChoices members: str() is their value


def _yuan(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def _extra_columns(model, given, now):
    """Columns the generator does not set, with their defaults as COPY text (so fields added later still load)."""
    extra = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        extra[field.column] = _copy_text(now if auto else field.get_default())
    return list(extra), "".join(f"\t{v}" for v in extra.values())


def ensure_judges(rng):
    """Judges, officers and an approver per court (bulk, one password hash); returns {court_id: [officer ids]}."""
    User = get_user_model()
    courts = list(Court.objects.all())
    have = {}
    for court_id, officer_id, roles in Officer.objects.order_by("pk").values_list("court_id", "pk", "roles"):
        if Role.JUDGE in roles:
            have.setdefault(court_id, []).append(officer_id)
    password = make_password("demo12345")
    to_make = []
    for court in courts:
        need = JUDGES_PER_COURT[court.level] - len(have.get(court.id, []))
        for i in range(max(need, 0)):
            to_make.append((court, f"judge_{court.division_code}_{len(have.get(court.id, [])) + i + 1}"))
    if to_make:
        users = User.objects.bulk_create([User(username=u, password=password) for _, u in to_make])
        officers = [
            Officer(
                user=user,
                court=court,
                name=_person_name(rng.random),
                roles=[Role.JUDGE.value],
                badge_no=f"{court.division_code}{i:03d}",
            )
            for i, ((court, _), user) in enumerate(zip(to_make, users))
        ]
        for officer in Officer.objects.bulk_create(officers):
            have.setdefault(officer.court_id, []).append(officer.pk)
    return have


class _Day:
    """Everything a case needs about one calendar day, formatted once (a million cases share ~1,100 days)."""

    __slots__ = ("iso", "year", "age", "assignment_due", "statutory_deadline", "payout_due", "at9", "at10", "at16")

    def __init__(self, day, today):
        self.iso, self.year, self.age = day.isoformat(), day.year, (today - day).days
        self.assignment_due = deadlines.assignment_due(day).isoformat()
        self.statutory_deadline = deadlines.statutory_deadline(day, 0).isoformat()
        self.payout_due = deadlines.payout_due(day).isoformat()
        self.at9, self.at10, self.at16 = (_copy_text(dt.datetime.combine(day, dt.time(h), CST)) for h in (9, 10, 16))


class _Plan:
    """What the workers need, read from the database and planned by the parent before any process is forked."""

    def __init__(self, count, existing, seed, today, years=YEARS_BACK):
        self.count, self.existing, self.seed = count, existing, seed
        rng = random.Random(f"{seed}:{existing}")
        now = timezone.now()
        self.courts = list(Court.objects.all())
        self.basic_divisions = [c.division_code for c in self.courts if c.level == CourtLevel.BASIC]
        self.basic_division = {c.id: c.division_code if c.level == CourtLevel.BASIC else None for c in self.courts}
        self.judges = ensure_judges(
            random.Random(f"{seed}:judges")
        )  # its own stream: existing judges must not shift the cases
        self.addresses = {c.id: f"宁夏回族自治区{c.short_name.replace('法院', '')}" for c in self.courts}
        span = 365 * years
        start = today - dt.timedelta(days=span)
        self.days = [
            _Day(start + dt.timedelta(days=i), today) for i in range(span + 31)
        ]  # paid-out dates run past today
        self.today = span

        # Court, type and filing date of every case, then numbers per court/type/year in filing order.
        court, ctype = (
            _weighted([(i, COURT_WEIGHT[c.level]) for i, c in enumerate(self.courts)]),
            _weighted(CASE_TYPE_WEIGHTS),
        )
        draw = rng.random
        # Sorted as (day, court, type) packed into one int each, and kept as arrays: at 10,000,000 cases a list of
        # tuples took ≈ 1.3 GB in the parent and again in each forked worker that touched it.
        types = sorted({getattr(v, "value", v) for v, _ in CASE_TYPE_WEIGHTS})
        rank = {t: i for i, t in enumerate(types)}
        packed = array(
            "q", (((int(span * draw() ** 0.8) << 16) | (court(draw) << 4) | rank[ctype(draw)]) for _ in range(count))
        )
        packed = array("q", sorted(packed))
        self.seqs = seqs = {(s.court_id, s.case_type, s.year): s.last for s in CaseSequence.objects.all()}
        self.plan_day, self.plan_court, self.plan_type, self.plan_seq = array("H"), array("H"), array("B"), array("I")
        self.types = types
        court_ids, day_years = [c.id for c in self.courts], [d.year for d in self.days]
        for value in packed:
            day, court_index, type_index = value >> 16, (value >> 4) & 0xFFF, value & 0xF
            key = (court_ids[court_index], types[type_index], day_years[day])
            seq = seqs[key] = seqs.get(key, 0) + 1
            self.plan_day.append(day)
            self.plan_court.append(court_index)
            self.plan_type.append(type_index)
            self.plan_seq.append(seq)
        del packed
        self.chunks = math.ceil(count / CHUNK)

        self.first_id = {model: (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1 for model, _ in TABLES}
        self.seen = set(Party.objects.values_list("id_number", flat=True))
        self.births = [f"{BIRTH_START + dt.timedelta(days=i):%Y%m%d}" for i in range(BIRTH_DAYS)]
        self.tags = []  # by bit mask: (JSON text, the five is_* columns)
        for mask in range(1 << len(TAGS)):
            chosen = [tag.value for i, (tag, _) in enumerate(TAGS) if mask >> i & 1]
            self.tags.append(
                (json.dumps(sorted(chosen)), "\t".join("1" if mask >> i & 1 else "0" for i in range(len(TAGS))))
            )
        self.closed_event = {c.value: (f"结案：{c.label}", json.dumps({"closure_type": c.value})) for c in ClosureType}
        self.now = _copy_text(now)
        self.columns, self.extra = zip(*(_extra_columns(model, set(columns), now) for model, columns in TABLES))

    def chunk(self, k, seen):
        """COPY text of chunk k (cases k*CHUNK …) for the five tables, and the last id used in each table.
        `seen`: the ID numbers already used (in the database and by earlier chunks of this process); grows."""
        rng = random.Random(f"{self.seed}:{self.existing}:{k}")
        random_ = rng.random

        def below(n):
            return int(random_() * n)

        id_class = k % CLASSES
        id_sequences = [f"{s:03d}" for s in range(id_class, 1000, CLASSES)]
        org_first = USCC_CHARS[id_class::CLASSES]
        closure_of = {True: _weighted(CLOSURE_WEIGHTS), False: _weighted(OTHER_CLOSURE_WEIGHTS)}
        open_status = _weighted(OPEN_STATUS_WEIGHTS)
        first_case = k * CHUNK
        case_id = self.first_id[Case] + first_case
        party_id, link_id, event_id, money_id = (
            self.first_id[model] + first_case * per_case - 1
            for model, per_case in (
                (Party, MAX_PARTIES),
                (CaseParty, MAX_PARTIES),
                (CaseEvent, MAX_EVENTS),
                (MoneyEntry, MAX_MONEY),
            )
        )
        days, now, births = self.days, self.now, self.births
        case_extra, party_extra, _, _, money_extra = self.extra
        cases, parties, links, events, money = [], [], [], [], []
        recent = []  # respondents of this chunk, reused now and then as repeat debtors

        def new_party(court, division, organisation):
            nonlocal party_id
            while True:
                if organisation:
                    # (rng.choices(USCC_CHARS, k=8) draws the same: one random() per character, floor(random() * 31).)
                    first17 = f"91{division}{org_first[below(len(org_first))]}{''.join([USCC_CHARS[below(31)] for _ in range(8)])}"
                    number = first17 + credit_code_check_char(first17)
                else:
                    first17 = f"{division}{births[below(BIRTH_DAYS)]}{id_sequences[below(len(id_sequences))]}"
                    number = first17 + resident_id_check_char(first17)
                if number not in seen:
                    seen.add(number)
                    break
            if organisation:
                kind, phone = ORGANISATION, f"0951-{1000000 + below(9000000)}"
                name = (
                    CITIES[below(len(CITIES))]
                    + CompanyNames.company_prefixes[below(len(CompanyNames.company_prefixes))]
                    + CompanyNames.company_suffixes[below(len(CompanyNames.company_suffixes))]
                )
            else:
                kind, name, phone = PERSON, _person_name(random_), f"1{'3589'[below(4)]}{10**8 + below(9 * 10**8)}"
            party_id += 1
            parties.append(f"{party_id}\t{kind}\t{name}\t{number}\t{now}{party_extra}\n")
            return party_id, phone, f"{self.addresses[court.id]}{1 + below(299)}号"

        window = slice(first_case, first_case + CHUNK)
        types = self.types
        for day_index, court_index, type_index, seq in zip(
            self.plan_day[window], self.plan_court[window], self.plan_type[window], self.plan_seq[window]
        ):
            case_type = types[type_index]
            court, day = self.courts[court_index], days[day_index]
            age = day.age
            claim = (int(math.exp(rng.gauss(10.5, 1.3))) + 500) * 100  # cents
            recovered, closure, closed_on, closed_index, status = 0, "", None, self.today, None
            if random_() < (
                OLD_CLOSED if age > 1095 else 0.9 if age > 365 else 0.75 if age > 180 else 0.4 if age > 60 else 0.1
            ):
                closure = closure_of[case_type in ENFORCING](random_)
                # Closed on a day between filing and today, never later (clamping a later draw to today put a year's
                # worth of closures on today: a spike of 1,400 on the 30-day trend). 终本 only after its three months
                # (终本规定 Art. 1(4)); a case too young for it is still open.
                earliest = TERMINATE_EARLIEST if closure == TERMINATED_THIS_ROUND else CLOSE_EARLIEST
                if age >= earliest:
                    status = CLOSED
                    closed_index = day_index + earliest + below(min(CLOSE_SPAN, age - earliest) + 1)
                    closed_on = days[closed_index]
                    if closure == COMPLETED:
                        recovered = claim
                    elif closure == TERMINATED_THIS_ROUND:
                        recovered = round(claim * random_() * 0.3)
                else:
                    closure = ""
            if status is None:
                status = open_status(random_)
                if status in (DISPOSING, CONTROLLING) and random_() < 0.5:
                    recovered = round(claim * random_() * 0.6)
            judge, notice = NULL, NULL
            if status != FILED:
                judges = self.judges[court.id]
                judge = judges[below(len(judges))]
                # 执行通知 within days of assignment (the first 终本 condition reads it), never after closing or today.
                notice = days[min(day_index + 3 + below(5), closed_index)].iso
            tags, flags = self.tags[sum(1 << i for i, (_, p) in enumerate(TAGS) if random_() < p)]
            suspended_since = days[self.today - 10 - below(80)].iso if status == SUSPENDED else NULL
            cases.append(
                f"{case_id}\t{format_case_number(day.year, court.code, case_type, seq)}\t{court.id}\t{day.year}\t{case_type}\t{seq}\t"
                f"{CAUSES[below(len(CAUSES))]}\t{court.name}\t（{day.year - 1}）{court.code}民初{1 + below(8999)}号\t{day.iso}\t"
                f"{_yuan(claim)}\t{_yuan(recovered)}\t{_yuan(claim - recovered)}\t{_yuan(claim // 100)}\t{status}\t{closure}\t"
                f"{closed_on.iso if closed_on else NULL}\t{notice}\t{judge}\t{judge}\t{tags}\t{flags}\t{day.assignment_due}\t"
                f"{day.statutory_deadline}\t0\t{suspended_since}\t{now}\t{now}{case_extra}\n"
            )

            division = self.basic_division[court.id] or self.basic_divisions[below(len(self.basic_divisions))]
            roles = [(APPLICANT, random_() < 0.3)]
            roles += [(RESPONDENT, random_() < 0.25) for _ in range(1 if random_() < 0.8 else 2)]
            applicant, in_case = None, set()
            for role, organisation in roles:
                pid = None
                if role == RESPONDENT and recent and random_() < 0.1:
                    # a repeat debtor: one party record across cases; this court enters the contacts it knows
                    pid, phone, address = recent[below(len(recent))]
                if pid is None or pid in in_case:
                    pid, phone, address = new_party(court, division, organisation)
                    if role == RESPONDENT:
                        recent.append((pid, phone, address))
                        if len(recent) > 5000:
                            del recent[:2500]
                if role == APPLICANT:
                    applicant = pid
                in_case.add(pid)
                link_id += 1
                links.append(f"{link_id}\t{case_id}\t{pid}\t{role}\t{phone}\t{address}\t{court.id}\n")

            event_id += 1
            events.append(f'{event_id}\t{case_id}\t{day.at9}\tfiled\t{NULL}\t立案庭\t立案\t{{"number": {seq}}}\n')
            if recovered:
                received_index = day_index + min(10 + below(190), max(age, 0))
                received = days[received_index]
                paid = recovered if status == CLOSED or random_() < 0.8 else 0
                source = (DEDUCTION, VOLUNTARY)[below(2)]
                money_id += 1
                money.append(
                    f"{money_id}\t{case_id}\t{court.id}\t{RECEIPT}\t{source}\t{_yuan(recovered)}\t{received.at10}\t"
                    f"{received.payout_due}\t{_yuan(paid)}\t{NULL}\t{NULL}\t\t{NULL}{money_extra}\n"
                )
                if paid:
                    paid_at = days[received_index + 1 + below(24)]
                    money_id += 1
                    money.append(
                        f"{money_id}\t{case_id}\t{court.id}\t{PAYOUT}\t{PAYOUT_SOURCE}\t{_yuan(paid)}\t"
                        f"{paid_at.at10}\t{NULL}\t0.00\t{applicant}\t{NULL}\t\t{NULL}{money_extra}\n"
                    )
            if status == CLOSED:
                summary, details = self.closed_event[closure]
                event_id += 1
                events.append(f"{event_id}\t{case_id}\t{closed_on.at16}\tclosed\t{NULL}\t系统\t{summary}\t{details}\n")
            case_id += 1
        tables = tuple("".join(rows).encode() for rows in (cases, parties, links, events, money))
        return tables, (case_id - 1, party_id, link_id, event_id, money_id)


class _Workers:
    """Worker processes building the chunks, forked before generate_cases opens its transaction. Worker w builds, in
    order, every chunk whose ID class falls to it, so the chunks of one class always share one `seen` set."""

    def __init__(self, plan, count):
        self.plan, self.count, self.pipes, self.processes = plan, count, [], []
        context = multiprocessing.get_context("fork")
        try:
            for w in range(count):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=self._work, args=(w, send), daemon=True, name=f"demo-cases-{w}")
                process.start()
                send.close()
                self.pipes.append(receive)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise

    def worker_of(self, k):
        return (k % CLASSES) % self.count

    def _work(self, w, send):
        """In the child. It never touches the database connection it inherited, and multiprocessing ends it with
        os._exit, so nothing closes that connection either."""
        k = None
        try:
            for k in range(self.plan.chunks):
                if self.worker_of(k) == w:
                    send.send(("chunk", self.plan.chunk(k, self.plan.seen)))
        except BaseException:
            send.send(("error", f"chunk {k}: {traceback.format_exc()}"))
        finally:
            send.close()

    def __iter__(self):
        for k in range(self.plan.chunks):
            w = self.worker_of(k)
            try:
                kind, payload = self.pipes[w].recv()
            except EOFError:
                raise RuntimeError(f"demo-case worker process {w} ended before chunk {k}") from None
            if kind == "error":
                raise RuntimeError(f"demo-case worker process {w} failed on {payload}")
            yield payload

    def close(self):
        for process in self.processes:  # after an error the others may be blocked sending: stop them
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in self.pipes:
            pipe.close()


def _write(model, columns, data, freeze=False):
    """One table's rows of a chunk: COPY on PostgreSQL (FREEZE after `_truncate_empty`), executemany elsewhere (the
    COPY text split back)."""
    if not data:
        return
    sql_columns = ", ".join(columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            options = " WITH (FREEZE)" if freeze else ""
            sql = f"COPY {model._meta.db_table} ({sql_columns}) FROM STDIN{options}"
            cur.copy_expert(sql, io.BytesIO(data), 1 << 20)
        else:
            rows = [[None if v == NULL else v for v in line.split("\t")] for line in data.decode().splitlines()]
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {model._meta.db_table} ({sql_columns}) VALUES ({marks})", rows)


def _drop_indexes(cur, tables):
    """Drop the secondary indexes, unique and foreign-key constraints of `tables` and return the statements that put
    them back: PostgreSQL builds an index from all rows at once far faster than it maintains it row by row, and checks
    a foreign key with one join instead of one trigger per row (its manual: "Populating a Database").

    Partial indexes stay, maintained during the load. Dropping them too (and putting each back with its migration's
    statement: pg_get_indexdef writes `NOT status IN (...)` in a form the planner no longer matches against the
    ORM's, so the index would go unused) was measured at 10M cases on an idle machine: the load took 83 s less and
    the rebuild 180 s more (seven more scans of the case table), 78 s worse in all. More memory for the load's
    transaction (SET LOCAL maintenance_work_mem 1 GB, work_mem 256 MB) gave nothing either: 146 s vs 139 s without
    at 1M cases, same machine, minutes apart (bench/README.md)."""
    cur.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype, conname""",
        [tables],
    )
    constraints = cur.fetchall()  # foreign keys first
    cur.execute(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                   WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND indpred IS NULL
                     AND indexrelid NOT IN (SELECT conindid FROM pg_constraint) ORDER BY 1""",
        [tables],
    )
    indexes = cur.fetchall()
    for table, name, _ in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in reversed(constraints)
    ]


def _truncate_empty(cur, tables):
    """TRUNCATE `tables` in this transaction when they and every table referencing them (the closure TRUNCATE
    demands) are empty, so that COPY may write their rows already frozen and marked all-visible (COPY … FREEZE,
    PostgreSQL 14+): the closing VACUUM then skips those pages instead of rewriting every page of a fresh load to
    set its hint bits. Returns whether it did. Any row anywhere in the closure: nothing is truncated (False)."""
    cur.execute(
        """WITH RECURSIVE closure(rel) AS (
               SELECT unnest(%s::regclass[])
               UNION SELECT c.conrelid FROM pg_constraint c JOIN closure ON c.confrelid = closure.rel WHERE c.contype = 'f'
           ) SELECT rel::regclass::text FROM closure""",
        [tables],
    )
    closure = [row[0] for row in cur.fetchall()]
    for table in closure:
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        if cur.fetchone()[0]:
            return False
    cur.execute(f"TRUNCATE {', '.join(closure)}")
    return True


def _has_tally_triggers(cur):
    cur.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'cases_case_tally_write'")
    return cur.fetchone() is not None


def _update_sequences(plan, last_ids):
    """Primary-key sequences past the ids we chose, and the CaseSequence row of every court/type/year numbered."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for (model, _), last in zip(TABLES, last_ids):
                table = model._meta.db_table
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [max(last, 1)])
    existing = {(s.court_id, s.case_type, s.year): s for s in CaseSequence.objects.all()}
    new = []
    for (court_id, case_type, year), last in plan.seqs.items():
        row = existing.get((court_id, case_type, year))
        if row is None:
            new.append(CaseSequence(court_id=court_id, case_type=case_type, year=year, last=last))
        elif row.last != last:
            CaseSequence.objects.filter(pk=row.pk).update(last=last)
    CaseSequence.objects.bulk_create(new)


def generate_cases(n, seed=20241, stdout=None, today=None, workers=None, years=YEARS_BACK):
    """Top the province up to `n` cases. Returns how many were created.

    `years`: filing dates spread over this many years before today (the large province: 10).
    `workers`: processes building the rows (default: one per core on PostgreSQL, where the database writes while
    they build; in-process elsewhere). The data does not depend on it."""
    existing = Case.objects.count()
    if existing >= n:
        return 0
    count = n - existing
    plan = _Plan(count, existing, seed, today or timezone.localdate(), years)
    if stdout:
        stdout.write(f"  已规划 {count} 件案件（法院、类型、立案日期、案号）")
    postgres, own_transaction = connection.vendor == "postgresql", not connection.in_atomic_block
    # At least doubling the tables in our own transaction: rebuild their indexes afterwards. (A caller's transaction
    # may hold pending deferred checks, which forbid ALTER TABLE.)
    rebuild = postgres and own_transaction and count >= existing
    if workers is None:
        workers = (os.cpu_count() or 1) if postgres else 1
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 1
    workers = min(workers, CLASSES, plan.chunks)
    if workers > 1 and own_transaction:
        connection.close()  # forked next: the workers inherit no open connection (in a caller's transaction they
        # inherit it and leave it alone)
    pool = _Workers(plan, workers) if workers > 1 else None
    tables = [model._meta.db_table for model, _ in TABLES]
    made, last_ids = 0, [plan.first_id[model] - 1 for model, _ in TABLES]
    try:
        chunks = iter(pool) if pool else (plan.chunk(k, plan.seen) for k in range(plan.chunks))
        with transaction.atomic():
            with connection.cursor() as cur:
                if postgres:  # explicit keys: keep other writers out while we load
                    cur.execute(
                        f"LOCK TABLE {', '.join(tables)} IN {'ACCESS EXCLUSIVE' if rebuild else 'EXCLUSIVE'} MODE"
                    )
                if Case.objects.count() != existing or any(
                    (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1 != plan.first_id[model]
                    for model, _ in TABLES
                ):
                    raise RuntimeError(
                        "生成演示案件期间有其他写入，请重新运行 / cases were written while demo cases were "
                        "being planned; run again"
                    )
                rebuild_sql = _drop_indexes(cur, tables) if rebuild else []
                # A first load (nothing in the tables yet) writes its rows frozen: see _truncate_empty.
                freeze = rebuild and existing == 0 and _truncate_empty(cur, tables)
                # The case tally's triggers would write five rows per case row by row: off for the load, and the
                # tally rebuilt from the cases with one GROUP BY per kind at the end (cases.tally).
                tally_off = rebuild and _has_tally_triggers(cur)
                if tally_off:
                    tally.set_triggers(cur, False)
                for tables_data, last in chunks:
                    for (model, columns), extra, data in zip(TABLES, plan.columns, tables_data):
                        _write(model, columns + extra, data, freeze)
                    last_ids = [max(a, b) for a, b in zip(last_ids, last)]
                    made = min(made + CHUNK, count)
                    if stdout:
                        stdout.write(f"  已生成 {made}/{count} 件案件")
                if stdout and rebuild_sql:
                    stdout.write(f"  重建 {len(rebuild_sql)} 个索引与约束")
                for sql in rebuild_sql:
                    cur.execute(sql)
                if tally_off:
                    if stdout:
                        stdout.write("  重算案件汇总")
                    tally.rebuild(cur)
                    tally.set_triggers(cur, True)
            _update_sequences(plan, last_ids)
    finally:
        if pool:
            pool.close()
    if postgres:
        # VACUUM as well as ANALYZE when we may (not inside a transaction, e.g. a test's): it records the pages as
        # all-visible (pg_class.relallvisible), without which the planner costs an index-only scan as a heap fetch per
        # row and reads the table instead — at 10M cases the year's closures (modules 31/32) took 1.4 s instead of 0.2 s
        # until a VACUUM (bench/README.md). Autovacuum gets there too, later.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cur:
            for table in tables + ["cases_casetally"]:
                cur.execute(f"{command} {table}")
    return made
