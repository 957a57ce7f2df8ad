"""Publications, trials and watches for surveillance tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from liaison.core.models import User
from liaison.literature.tests.factories import article, load, loader, write
from liaison.surveillance.models import Watch, WatchKind
from liaison.trials.services import load_files
from liaison.trials.tests.factories import study_json, write_jsonl


def add_publications(tmp_path: Path, *articles: tuple[int, str]) -> None:
    """Load publications (pmid, title) into the library, as a PubMed load does."""
    path = write(
        tmp_path / f"pubmed-{articles[0][0]}.xml", *(article(p, title=t) for p, t in articles)
    )
    load(loader(), path)


def add_trials(tmp_path: Path, *studies: dict[str, Any]) -> None:
    """Load ClinicalTrials.gov studies (``study_json(...)``) as a load does."""
    name = studies[0]["protocolSection"]["identificationModule"]["nctId"]
    count = len(list(tmp_path.glob("*.jsonl")))
    load_files(actor=None, paths=[write_jsonl(tmp_path / f"{name}-{count}.jsonl", list(studies))])


def publication_watch(owner: User | None = None, **values: Any) -> Watch:
    values.setdefault("name", "Melanoma immunotherapy")
    values.setdefault("query", "melanoma")
    return Watch.objects.create(kind=WatchKind.PUBLICATION, owner=owner, created_by=owner, **values)


def trial_watch(owner: User | None = None, **values: Any) -> Watch:
    values.setdefault("name", "Lung cancer trials")
    values.setdefault("condition", "lung cancer")
    return Watch.objects.create(kind=WatchKind.TRIAL, owner=owner, created_by=owner, **values)


__all__ = ["add_publications", "add_trials", "publication_watch", "study_json", "trial_watch"]
