"""The decisions of measures (限制消费令, 纳入失信名单决定书) are .docx the product writes: like every other kind
(rulings and notices in tests/querycontrol/test_issued_documents.py, letters and bulletins in
tests/command/test_bulletin_and_letter_files.py) each run names a Chinese font and the language is zh-CN."""

from cases import documents as issued
from cases import measures
from cases.choices import CaseStatus, MeasureKind
from cases.models import IssuedDocument
from tests.cases.conftest import case_in, respondent
from tests.docx_checks import assert_chinese_docx


def test_measure_decisions_have_chinese_fonts_on_every_run(courts, judge_xixia):
    case = case_in(CaseStatus.INVESTIGATING, court=courts["宁0105"])
    party = respondent(case)
    measures.impose_measure(case, MeasureKind.CONSUMPTION_RESTRICTION, party=party, actor=judge_xixia.user)
    measures.impose_measure(
        case, MeasureKind.DISHONEST, party=party, legal_ground="able_but_refuses", actor=judge_xixia.user
    )
    documents = list(IssuedDocument.objects.filter(kind="decision", case=case))
    assert len(documents) == 2
    for document in documents:
        assert_chinese_docx(issued.read(document))


def test_issued_documents_go_through_the_configured_storage_backend(settings, courts, judge_xixia, tmp_path):
    """Any Django storage (S3-compatible in production): nothing assumes a local file."""
    from django.core.files.storage import default_storage

    from tests.factories import CaseFactory

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.MEDIA_ROOT = tmp_path / "unused"
    case = CaseFactory(court=courts["宁0105"])
    document = issued.issue(
        kind="letter",
        number="（2026）宁0105执协查9号",
        title="协助调查函",
        court=case.court,
        case=case,
        source=case,
        content=b"PK-bytes",
        filename="x.docx",
        actor=judge_xixia.user,
    )
    assert type(default_storage._wrapped).__name__ == "InMemoryStorage" and default_storage.exists(document.file.name)
    assert issued.read(IssuedDocument.objects.get(pk=document.pk)) == b"PK-bytes"
    assert not (tmp_path / "unused").exists()
