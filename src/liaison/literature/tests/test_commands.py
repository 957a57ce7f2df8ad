"""``liaison pubmed parse|load|reindex`` through the ``liaison`` entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.replay import ReplayServer, Reply

from liaison.cli import run
from liaison.core.models import User
from liaison.literature.models import Publication
from liaison.literature.tests.factories import article, article_set, write

pytestmark = pytest.mark.django_db(transaction=True)


def test_parse_writes_one_json_object_per_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "a.xml", article(1, title="Één"), article(2), deleted=[3])
    assert run(["pubmed", "parse", str(path), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    objects = [json.loads(line) for line in lines]
    assert [item["pmid"] for item in objects] == [1, 2, 3]
    assert objects[0]["title"] == "Één"
    assert objects[2] == {"pmid": 3, "deleted": True}
    assert not Publication.objects.exists()


def test_parse_names_a_malformed_file_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<PubmedArticleSet><PubmedArticle>\n<oops", encoding="utf-8")
    good = write(tmp_path / "good.xml", article(5))
    assert run(["pubmed", "parse", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert "bad.xml, line 2" in captured.err
    assert json.loads(captured.out.splitlines()[0])["pmid"] == 5


def test_load_counts_and_is_idempotent(
    admin_user: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "a.xml", article(1), article(2))
    assert run(["pubmed", "load", str(path), "--as", admin_user.username]) == 0
    assert "2 new, 0 updated, 0 unchanged, 0 deleted, 0 failed" in capsys.readouterr().out
    assert run(["pubmed", "load", str(path), "--as", admin_user.username]) == 0
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_load_goes_on_after_a_broken_file_and_exits_non_zero(
    admin_user: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path / "1.xml", article(1))
    broken = tmp_path / "2.xml"
    broken.write_text(
        f'<?xml version="1.0"?>\n<PubmedArticleSet>{article(2)}\n<PubmedArticle><Oops>',
        encoding="utf-8",
    )
    last = write(tmp_path / "3.xml", article(3))
    status = run(["pubmed", "load", str(first), str(broken), str(last), "--as", "ada"])
    assert status == 1
    err = capsys.readouterr().err
    assert "2.xml, line" in err
    assert "1 file could not be read to the end" in err
    assert sorted(Publication.objects.values_list("pmid", flat=True)) == [1, 3]


def test_load_is_for_administrators(
    msl: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "a.xml", article(1))
    assert run(["pubmed", "load", str(path), "--as", msl.username]) == 1
    assert "administrators only" in capsys.readouterr().err
    assert not Publication.objects.exists()


def test_reindex_reports_the_count(
    admin_user: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["pubmed", "load", str(write(tmp_path / "a.xml", article(1))), "--as", "ada"])
    capsys.readouterr()
    assert run(["pubmed", "reindex"]) == 0
    assert "1 publications indexed" in capsys.readouterr().out


def test_every_action_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["pubmed", "--help"])  # the help of `literature pubmed`
    out = capsys.readouterr().out
    for action in ("parse", "load", "fetch", "reindex"):
        assert action in out


def test_fetch_stores_what_the_live_search_returns(
    admin_user: User, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReplayServer() as server:
        esearch = {
            "esearchresult": {
                "count": "2",
                "retmax": "0",
                "retstart": "0",
                "querykey": "1",
                "webenv": "MCID_1",
                "idlist": [],
            }
        }
        server.add("/esearch.fcgi", Reply.json(esearch))
        server.add("/efetch.fcgi", Reply.xml(article_set(article(41), article(42))))
        settings.LIAISON_EUTILS_URL = server.url
        status = run(["pubmed", "fetch", "--query", "asthma[mh]", "--as", admin_user.username])
    assert status == 0, capsys.readouterr().err
    assert "2 new" in capsys.readouterr().out
    assert sorted(Publication.objects.values_list("pmid", flat=True)) == [41, 42]


def test_fetch_failing_service_keeps_nothing_half_written_and_exits_non_zero(
    admin_user: User, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReplayServer() as server:
        server.add("/esearch.fcgi", Reply.json({}, status=500))
        settings.LIAISON_EUTILS_URL = server.url
        status = run(["pubmed", "fetch", "--query", "asthma", "--as", admin_user.username])
    assert status == 1
    assert "could not be read to the end" in capsys.readouterr().err
    assert not Publication.objects.exists()
