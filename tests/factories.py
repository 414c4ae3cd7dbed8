"""factory_boy factories shared by every test area. Courts come from the reference CSV (fixture `courts`)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from faker import Faker

from cases import deadlines
from cases.choices import CaseStatus, CaseType, PartyKind, PartyRole
from cases.models import Case, CaseParty, CaseSequence, Party
from execcenter.choices import Role
from execcenter.models import Court, Officer
from execcenter.validators import credit_code_check_char, format_case_number, resident_id_check_char

fake = Faker("zh_CN")


def make_resident_id(n, division="640105", born=dt.date(1980, 1, 1)):
    """A valid 18-digit resident ID, unique per n."""
    first17 = f"{division}{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def make_credit_code(n, division="640105"):
    from execcenter.validators import USCC_CHARS

    body = "".join(USCC_CHARS[(n // 31**i) % 31] if i < 3 else str((n + i) % 10) for i in range(9))
    first17 = f"91{division}{body}"
    return first17 + credit_code_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-12345678")


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    court = factory.LazyFunction(lambda: Court.objects.get(code="宁0105"))
    name = factory.LazyFunction(fake.name)
    roles = factory.LazyFunction(lambda: [Role.JUDGE.value])


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("id_number",)

    kind = PartyKind.PERSON
    name = factory.LazyFunction(fake.name)
    id_number = factory.Sequence(lambda n: make_resident_id(n, born=dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)))


class OrganisationFactory(PartyFactory):
    kind = PartyKind.ORGANISATION
    name = factory.LazyFunction(fake.company)
    id_number = factory.Sequence(lambda n: make_credit_code(n))


def _next_seq(court, case_type, year):
    seq, _ = CaseSequence.objects.get_or_create(court=court, case_type=case_type, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


class CaseFactory(factory.django.DjangoModelFactory):
    """A case with its number, dates and (by default) one applicant and one respondent."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    court = factory.LazyFunction(lambda: Court.objects.get(code="宁0105"))
    case_type = CaseType.FIRST
    filed_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    year = factory.LazyAttribute(lambda o: o.filed_on.year)
    sequence = factory.LazyAttribute(lambda o: _next_seq(o.court, o.case_type, o.year))
    number = factory.LazyAttribute(lambda o: format_case_number(o.year, o.court.code, o.case_type, o.sequence))
    cause = "民间借贷纠纷"
    origin_body = factory.LazyAttribute(lambda o: o.court.name)
    origin_document_no = factory.LazyAttribute(lambda o: f"（{o.year - 1}）{o.court.code}民初{o.sequence}号")
    claim_amount = Decimal("100000.00")
    outstanding_amount = factory.LazyAttribute(lambda o: o.claim_amount)
    status = CaseStatus.ASSIGNED
    assignment_due = factory.LazyAttribute(lambda o: deadlines.assignment_due(o.filed_on))
    statutory_deadline = factory.LazyAttribute(lambda o: deadlines.statutory_deadline(o.filed_on))

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            CaseParty.objects.create(
                case=obj,
                party=PartyFactory(),
                role=role,
                phone=f"139{obj.pk % 10**4:04d}{len(role) + 1000:04d}",
                address=fake.address(),
                contact_court=obj.court,
            )
