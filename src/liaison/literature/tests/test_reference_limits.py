"""Length limits on every text of an imported reference: a record past them is reported,
named by file, record number and line (or BibTeX key), field and limit, and skipped;
the rest of the file is read, and "My references" stays small."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.literature.models import LibraryItem
from liaison.literature.reference_formats import (
    FIELD_LIMITS,
    Author,
    Reference,
    ReferenceFormatError,
    check_lengths,
    read_bibtex,
    read_nbib,
    read_ris,
)
from liaison.literature.services.references import import_references

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
LONG_TITLE = "Heart failure " * 100_000  # 1.4 MB: the shape of the 30 MB title


def ris(*records: str) -> bytes:
    return "".join(f"TY  - JOUR\r\n{record}ER  - \r\n" for record in records).encode()


def errors_of(
    reader: Callable[..., Any], data: bytes, name: str
) -> tuple[list[Reference], list[str]]:
    errors: list[str] = []
    references = list(reader(io.BytesIO(data), name, on_error=lambda e: errors.append(str(e))))
    return references, errors


# --- the limits themselves -----------------------------------------------------------------


def test_limits_are_generous_for_real_records() -> None:
    assert FIELD_LIMITS["title"] == ("title", 4_000)
    assert FIELD_LIMITS["abstract"] == ("abstract", 100_000)
    fits = Reference(
        title="T" * 4_000,
        abstract="A" * 100_000,
        authors=(Author("Müller", "Jürgen"),) * 3_000,
        keywords=("heart failure",) * 500,
    )
    assert check_lengths(fits, "x.ris", "record 1 (line 1)") is fits


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        (Reference(title="T" * 4_001), "the title is 4,001 characters long; at most 4,000"),
        (Reference(abstract="A" * 100_001), "the abstract is 100,001 characters long"),
        (Reference(journal="J" * 2_001), "the journal is 2,001 characters long; at most 2,000"),
        (
            Reference(authors=(Author("A"), Author("B" * 1_001))),
            "the name of author 2 is 1,001 characters long; at most 1,000",
        ),
        (Reference(keywords=("k",) * 2_001), "the record has 2,001 keywords; at most 2,000"),
    ],
)
def test_a_text_past_its_limit_names_the_field_and_the_limit(
    reference: Reference, reason: str
) -> None:
    with pytest.raises(ReferenceFormatError) as refused:
        check_lengths(reference, "x.ris", "record 7 (line 70)")
    assert str(refused.value).startswith(f"x.ris, record 7 (line 70): {reason}")


# --- the readers ---------------------------------------------------------------------------


def test_ris_skips_a_record_with_a_huge_title_and_names_it() -> None:
    data = ris(
        "TI  - Neprilysin inhibition\r\nAN  - 101\r\n",
        f"TI  - {LONG_TITLE}\r\nAN  - 102\r\n",
        "TI  - Lung cancer screening\r\nAN  - 103\r\n",
    )
    references, errors = errors_of(read_ris, data, "mine.ris")
    assert [reference.pmid for reference in references] == ["101", "103"]
    assert errors == [
        "mine.ris, record 2 (line 5): the title is 1,399,999 characters long;"
        " at most 4,000 are read"
    ]


def test_nbib_names_the_record_and_its_line() -> None:
    data = (f"PMID- 101\nTI  - Fine\n\nPMID- 102\nTI  - Fine too\nAB  - {'x' * 100_001}\n").encode()
    references, errors = errors_of(read_nbib, data, "pubmed.nbib")
    assert [reference.pmid for reference in references] == ["101"]
    assert errors == [
        "pubmed.nbib, record 2 (line 4): the abstract is 100,001 characters long;"
        " at most 100,000 are read"
    ]


def test_bibtex_refuses_a_huge_raw_field_before_decoding_its_latex() -> None:
    huge = '{\\"u}ber ' * 200_000  # 1.8 MB of LaTeX: minutes to decode
    data = (
        "@article{fine2020, title = {Fine}, doi = {10.1/fine}}\n"
        f"@article{{huge2020, title = {{{huge}}}, doi = {{10.1/huge}}}}\n"
    ).encode()
    started = time.monotonic()
    references, errors = errors_of(read_bibtex, data, "zotero.bib")
    assert time.monotonic() - started < 5
    assert [reference.key for reference in references] == ["fine2020"]
    assert errors == [
        "zotero.bib, entry 'huge2020' (line 2): the field 'title' is 1,800,000 characters"
        " long; at most 8,000 are read"
    ]


def test_bibtex_checks_the_decoded_text_too() -> None:
    data = f"@article{{long2020, title = {{{'T' * 4_500}}}}}\n".encode()
    references, errors = errors_of(read_bibtex, data, "zotero.bib")
    assert references == []
    assert errors == [
        "zotero.bib, entry 'long2020' (line 1): the title is 4,500 characters long;"
        " at most 4,000 are read"
    ]


# --- the library ---------------------------------------------------------------------------


def test_the_import_keeps_the_other_records_and_lists_the_refused_one(
    msl: User, tmp_path: Path
) -> None:
    path = tmp_path / "mine.ris"
    path.write_bytes(
        ris(f"TI  - {LONG_TITLE}\r\nAN  - 102\r\n", "TI  - Lung cancer screening\r\nAN  - 103\r\n")
    )
    report = import_references(actor=msl, path=path)
    assert report.added == 1
    assert report.errors == [
        "mine.ris, record 1 (line 1): the title is 1,399,999 characters long;"
        " at most 4,000 are read"
    ]
    assert max(len(item.reference.get("title", "")) for item in LibraryItem.objects.all()) < 100


def test_my_references_stays_small_after_an_import_with_a_huge_title(
    msl: User,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = Client()
    client.force_login(msl)
    data = ris(
        f"TI  - {LONG_TITLE}\r\nAN  - 102\r\n", "TI  - Lung cancer screening\r\nAN  - 103\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("literature:import-references"),
            {"file": SimpleUploadedFile("mine.ris", data)},
        )
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert job.errors == [
        "mine.ris, record 1 (line 1): the title is 1,399,999 characters long;"
        " at most 4,000 are read"
    ]
    page = client.get(reverse("literature:library-item-list"))
    assert len(page.content) < 100_000
    assert "Lung cancer screening" in page.content.decode()
