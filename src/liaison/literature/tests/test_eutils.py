"""The E-utilities client over real HTTP, against the local replay server
answering in E-utilities' documented formats (esearch JSON, efetch PubMed XML)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from tests.replay import ReplayServer, Reply

from liaison.lib.httpclient import HttpError, RetryPolicy
from liaison.literature.clients.eutils import EutilsError, fetch_pubmed
from liaison.literature.pubmed import Citation, parse_pubmed

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05)


def esearch(count: int, webenv: str = "MCID_1", querykey: str = "1") -> Reply:
    """An esearch answer with usehistory=y and retmax=0, as E-utilities writes it (retmode=json)."""
    return Reply.json(
        {
            "header": {"type": "esearch", "version": "0.3"},
            "esearchresult": {
                "count": str(count),
                "retmax": "0",
                "retstart": "0",
                "querykey": querykey,
                "webenv": webenv,
                "idlist": [],
                "translationset": [],
                "querytranslation": "asthma[All Fields]",
            },
        }
    )


def efetch(*pmids: int) -> Reply:
    """An efetch answer: a PubmedArticleSet with one minimal article per PMID."""
    articles = "".join(
        f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal><Title>Thorax</Title>
<JournalIssue CitedMedium="Print"><PubDate><Year>2020</Year></PubDate></JournalIssue></Journal>
<ArticleTitle>Article {pmid}.</ArticleTitle></Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>"""
        for pmid in pmids
    )
    return Reply.xml(
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        f"<PubmedArticleSet>{articles}</PubmedArticleSet>"
    )


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


def records(batches: list[bytes]) -> list[int]:
    return [
        record.pmid
        for batch in batches
        for record in parse_pubmed(io.BytesIO(batch), name="efetch")
        if isinstance(record, Citation)
    ]


def test_history_server_then_efetch_batches_through_webenv(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(5, webenv="MCID_abc", querykey="1"))
    server.add("/efetch.fcgi", efetch(101, 102), query={"retstart": "0"})
    server.add("/efetch.fcgi", efetch(103, 104), query={"retstart": "2"})
    server.add("/efetch.fcgi", efetch(105), query={"retstart": "4"})
    totals: list[int] = []
    batches = list(
        fetch_pubmed(
            "asthma[mh]",
            base_url=server.url,
            email="msl@example.org",
            tool="liaison-test",
            batch_size=2,
            on_total=totals.append,
        )
    )
    assert records(batches) == [101, 102, 103, 104, 105]
    assert totals == [5]
    search = server.requests_to("/esearch.fcgi")[0]
    assert search.query["usehistory"] == "y"
    assert search.query["term"] == "asthma[mh]" and search.query["db"] == "pubmed"
    assert "mindate" not in search.query
    fetches = server.requests_to("/efetch.fcgi")
    assert [f.query["retstart"] for f in fetches] == ["0", "2", "4"]
    assert {(f.query["WebEnv"], f.query["query_key"], f.query["retmax"]) for f in fetches} == {
        ("MCID_abc", "1", "2")
    }
    for request in server.requests:
        assert request.query["tool"] == "liaison-test"
        assert request.query["email"] == "msl@example.org"
        assert "api_key" not in request.query


def test_without_key_requests_are_a_third_of_a_second_apart(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(3))
    server.add("/efetch.fcgi", efetch(1))
    list(fetch_pubmed("x", base_url=server.url, batch_size=1))
    times = [request.at for request in server.requests]
    assert len(times) == 4
    assert server.spacing_problem(1 / 3) is None, server.spacing_problem(1 / 3)


def test_api_key_is_sent_and_allows_ten_per_second(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(4))
    server.add("/efetch.fcgi", efetch(1))
    list(fetch_pubmed("x", base_url=server.url, batch_size=1, api_key="k3y"))
    assert {request.query["api_key"] for request in server.requests} == {"k3y"}
    times = [request.at for request in server.requests]
    assert server.spacing_problem(0.1) is None, server.spacing_problem(0.1)
    assert times[-1] - times[0] < 4 / 3  # faster than the keyless rate would allow


def test_since_limits_the_search_by_publication_date(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(1))
    server.add("/efetch.fcgi", efetch(7))
    list(fetch_pubmed("x", since=dt.date(2024, 3, 1), base_url=server.url))
    search = server.requests_to("/esearch.fcgi")[0]
    assert search.query["datetype"] == "pdat"
    assert search.query["mindate"] == "2024/03/01"
    assert int(search.query["maxdate"][:4]) > dt.date.today().year


def test_more_than_10000_hits_are_split_by_date_recursively(server: ReplayServer) -> None:
    def dates(low: str, high: str) -> dict[str, str]:
        return {"mindate": low, "maxdate": high}

    server.add("/esearch.fcgi", esearch(20_000, "ALL"), query=dates("2020/01/01", "2020/12/31"))
    server.add("/esearch.fcgi", esearch(8_000, "H1"), query=dates("2020/01/01", "2020/07/01"))
    server.add("/esearch.fcgi", esearch(12_000, "H2"), query=dates("2020/07/02", "2020/12/31"))
    server.add("/esearch.fcgi", esearch(6_000, "Q3"), query=dates("2020/07/02", "2020/10/01"))
    server.add("/esearch.fcgi", esearch(6_000, "Q4"), query=dates("2020/10/02", "2020/12/31"))
    server.add("/efetch.fcgi", efetch(1))
    batches = list(
        fetch_pubmed(
            "cancer",
            since=dt.date(2020, 1, 1),
            until=dt.date(2020, 12, 31),
            base_url=server.url,
            api_key="k",
            batch_size=5_000,
        )
    )
    searches = [
        (r.query["mindate"], r.query["maxdate"]) for r in server.requests_to("/esearch.fcgi")
    ]
    assert searches == [
        ("2020/01/01", "2020/12/31"),
        ("2020/01/01", "2020/07/01"),
        ("2020/07/02", "2020/12/31"),
        ("2020/07/02", "2020/10/01"),
        ("2020/10/02", "2020/12/31"),
    ]
    fetched = [(r.query["WebEnv"], r.query["retstart"]) for r in server.requests_to("/efetch.fcgi")]
    assert fetched == [
        ("H1", "0"),
        ("H1", "5000"),
        ("Q3", "0"),
        ("Q3", "5000"),
        ("Q4", "0"),
        ("Q4", "5000"),
    ]
    assert len(batches) == 6
    assert "ALL" not in {webenv for webenv, _ in fetched}


def test_one_day_with_more_than_10000_hits_is_a_clear_error(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(10_001))
    with pytest.raises(EutilsError) as caught:
        list(
            fetch_pubmed(
                "x",
                since=dt.date(2021, 1, 1),
                until=dt.date(2021, 1, 2),
                base_url=server.url,
                api_key="k",
            )
        )
    assert "one day cannot be split" in caught.value.message


def test_no_hits_fetch_nothing(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(0, webenv="", querykey=""))
    assert list(fetch_pubmed("nothing at all", base_url=server.url)) == []
    assert server.requests_to("/efetch.fcgi") == []


def test_esearch_error_answer_is_named(server: ReplayServer) -> None:
    server.add(
        "/esearch.fcgi",
        Reply.json({"esearchresult": {"ERROR": "Invalid query syntax", "count": "0"}}),
    )
    with pytest.raises(EutilsError) as caught:
        list(fetch_pubmed("((", base_url=server.url))
    assert "Invalid query syntax" in caught.value.message
    assert "esearch.fcgi" in caught.value.message


def test_efetch_error_document_is_named_with_its_position(server: ReplayServer) -> None:
    server.add("/esearch.fcgi", esearch(1))
    server.add(
        "/efetch.fcgi",
        Reply.xml("<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"),
    )
    with pytest.raises(EutilsError) as caught:
        list(fetch_pubmed("x", base_url=server.url))
    assert "Unable to obtain query #1" in caught.value.message
    assert "retstart 0" in caught.value.message


def test_rate_limit_answer_is_retried_after_the_wait(server: ReplayServer) -> None:
    exceeded = Reply.json(
        {"error": "API rate limit exceeded", "api-key": "127.0.0.1", "count": "4", "limit": "3"},
        status=429,
        headers={"Retry-After": "1"},
    )
    server.add("/esearch.fcgi", exceeded, esearch(1))
    server.add("/efetch.fcgi", efetch(42))
    assert records(list(fetch_pubmed("x", base_url=server.url, retry=FAST))) == [42]
    first, second = server.requests_to("/esearch.fcgi")
    assert second.at - first.at >= 0.95


def test_server_errors_end_in_an_error_naming_the_url_without_the_key(
    server: ReplayServer,
) -> None:
    server.add("/esearch.fcgi", Reply(502, b"Bad Gateway", content_type="text/plain"))
    with pytest.raises(HttpError) as caught:
        list(fetch_pubmed("x", base_url=server.url, api_key="secret-key", retry=FAST))
    assert f"{server.url}/esearch.fcgi" in caught.value.detail
    assert "HTTP 502" in caught.value.message
    assert "secret-key" not in caught.value.message
    assert len(server.requests) == 3


def test_a_long_query_is_posted_rather_than_put_in_the_url(server: ReplayServer) -> None:
    term = " OR ".join(f"drug{number}[tiab]" for number in range(200))
    server.add("/esearch.fcgi", esearch(1, webenv="LONG"))
    server.add("/efetch.fcgi", efetch(9))
    assert records(list(fetch_pubmed(term, base_url=server.url, api_key="k"))) == [9]
    search = server.requests_to("/esearch.fcgi")[0]
    assert search.method == "POST"
    assert search.query["term"] == term and search.query["usehistory"] == "y"
    assert search.query["api_key"] == "k"
    assert server.requests_to("/efetch.fcgi")[0].query["WebEnv"] == "LONG"
