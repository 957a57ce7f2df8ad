"""The insights API: create with codes and ids (unknown ones a 422 naming the field),
the list's filters, one insight with its comments, and PATCH by the author (content)
and by reviewers (status with a comment)."""

from __future__ import annotations

import pytest

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.engagement.models import Insight, InsightStatus
from liaison.engagement.tests import factories
from liaison.literature.models import Publication
from liaison.trials.models import Trial

BASE = "/insights"


@pytest.fixture
def library() -> None:
    Publication.objects.create(pmid=31562800, title="Dosing in the elderly")
    Trial.objects.create(nct_id="NCT04368728", brief_title="A phase 3 trial")


def test_an_msl_creates_an_insight_with_evidence(msl: User, library: None) -> None:
    hcp = factories.an_hcp(country="CH")
    response = ApiClient(msl).post(
        BASE,
        {
            "statement": "Clinicians want data in elderly patients.",
            "category": "unmet_medical_need",
            "hcp_id": hcp.pk,
            "pmids": [31562800],
            "nct_ids": ["NCT04368728"],
            "tags": ["Elderly"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    insight = Insight.objects.get(pk=body["id"])
    assert insight.msl == msl
    assert (body["category"], body["country"], body["status"]) == (
        "unmet_medical_need",
        "CH",
        "new",
    )
    assert (body["pmids"], body["nct_ids"], body["tags"]) == (
        [31562800],
        ["NCT04368728"],
        ["elderly"],
    )
    assert body["comments"] == []


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("category", "no_such_category", "is not an insight category"),
        ("hcp_id", 999999, "no HCP with id 999999"),
        ("product_id", 999999, "no product with id 999999"),
        ("strategic_question_ids", [999999], "no strategic question with id 999999"),
        ("pmids", [12345], "PMID 12345 is not in the library"),
        ("nct_ids", ["NCT99999999"], "trial NCT99999999 is not in the library"),
        ("nct_ids", ["nope"], "is not an NCT ID"),
    ],
)
def test_an_unknown_code_or_id_is_a_422_naming_the_field(
    msl: User, library: None, field: str, value: object, words: str
) -> None:
    body = {"statement": "Something heard.", "category": "unmet_medical_need", field: value}
    response = ApiClient(msl).post(BASE, body)
    assert response.status_code == 422, response.json()
    assert list(response.json()["details"]) == [field]
    assert words in response.json()["details"][field]
    assert not Insight.objects.exists()


def test_an_empty_statement_is_a_422_naming_it(msl: User) -> None:
    response = ApiClient(msl).post(BASE, {"statement": "", "category": "unmet_medical_need"})
    assert response.status_code == 422
    assert "statement" in response.json()["details"]


def test_an_insights_lead_may_not_capture(insights_lead: User) -> None:
    body = {"statement": "Something heard.", "category": "unmet_medical_need"}
    assert ApiClient(insights_lead).post(BASE, body).status_code == 403


def test_the_list_filters_and_shows_only_what_the_caller_sees(
    msl: User, other_msl: User, insights_lead: User
) -> None:
    factories.insight(msl, statement="Elderly data wanted.")
    factories.insight(
        msl, statement="Payers refuse.", category=factories.category("access_and_reimbursement")
    )
    factories.insight(
        other_msl,
        statement="US payers refuse.",
        country="US",
        category=factories.category("access_and_reimbursement"),
    )
    mine = ApiClient(msl).get(BASE).json()
    assert mine["count"] == 2
    lead = ApiClient(insights_lead)
    assert lead.get(BASE).json()["count"] == 3
    filtered = lead.get(BASE, {"category": "access_and_reimbursement", "q": "payers"}).json()
    assert sorted(item["statement"] for item in filtered["results"]) == [
        "Payers refuse.",
        "US payers refuse.",
    ]
    assert lead.get(BASE, {"msl": "alice", "q": "payers"}).json()["count"] == 1


def test_an_unknown_filter_code_is_a_422_naming_it(msl: User) -> None:
    response = ApiClient(msl).get(BASE, {"category": "nope"})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["category"]


def test_another_msls_insight_is_not_found(msl: User, other_msl: User) -> None:
    insight = factories.insight(other_msl, country="US")
    assert ApiClient(msl).get(f"{BASE}/{insight.pk}").status_code == 404


def test_the_author_patches_the_statement_and_tags(msl: User) -> None:
    insight = factories.insight(msl)
    response = ApiClient(msl).patch(
        f"{BASE}/{insight.pk}", {"statement": "Data in patients over 80.", "tags": ["Renal"]}
    )
    assert response.status_code == 200, response.json()
    insight.refresh_from_db()
    assert (insight.statement, insight.tags) == ("Data in patients over 80.", ["renal"])


def test_the_author_may_not_set_the_status(msl: User) -> None:
    insight = factories.insight(msl)
    response = ApiClient(msl).patch(f"{BASE}/{insight.pk}", {"status": "reviewed"})
    assert response.status_code == 403
    insight.refresh_from_db()
    assert insight.status == InsightStatus.NEW


def test_a_reviewer_sets_the_status_with_a_comment(msl: User, insights_lead: User) -> None:
    insight = factories.insight(msl)
    client = ApiClient(insights_lead)
    response = client.patch(f"{BASE}/{insight.pk}", {"status": "reviewed", "comment": "Seen."})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "reviewed"
    assert [c["text"] for c in body["comments"]] == ["Seen."]
    refused = client.patch(f"{BASE}/{insight.pk}", {"status": "actioned"})
    assert refused.status_code == 422
    assert list(refused.json()["details"]) == ["comment"]


def test_a_reviewer_may_not_change_the_statement(msl: User, insights_lead: User) -> None:
    insight = factories.insight(msl)
    response = ApiClient(insights_lead).patch(f"{BASE}/{insight.pk}", {"statement": "Other."})
    assert response.status_code == 403


def test_a_refused_step_leaves_the_earlier_ones_unwritten(msl: User, admin_user: User) -> None:
    insight = factories.insight(msl)
    response = ApiClient(admin_user).patch(
        f"{BASE}/{insight.pk}", {"tags": ["kept?"], "status": "actioned", "comment": "x"}
    )
    assert response.status_code == 422
    insight.refresh_from_db()
    assert (insight.tags, insight.status) == ([], InsightStatus.NEW)


def test_a_comment_alone_adds_a_comment(msl: User, field_manager: User) -> None:
    insight = factories.insight(msl)
    response = ApiClient(field_manager).patch(f"{BASE}/{insight.pk}", {"comment": "Me too."})
    assert response.status_code == 200
    assert [c["author"] for c in response.json()["comments"]] == [field_manager.username]


def test_null_is_refused_for_a_field_of_the_patch(msl: User) -> None:
    insight = factories.insight(msl)
    response = ApiClient(msl).patch(f"{BASE}/{insight.pk}", {"statement": None})
    assert response.status_code == 422
    assert "statement" in response.json()["details"]
