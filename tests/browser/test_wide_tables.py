"""No table hides columns unseen: at tablet width (820 px) every list and table page
of the demo world either fits its tables or scrolls them in a container that says so
(a hint above the table, a shadow at the edge with columns behind it, a labelled region
a keyboard can focus and scroll); and the competitor landscape fits a laptop screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from liaison.core.models import Role, User
from liaison.demo.world import DemoWorld, build_demo
from liaison.directory.models import HCP, Organization, Product
from liaison.surveillance.models import Watch
from liaison.trials.ctgov import study_from_json
from liaison.trials.models import Trial
from liaison.trials.services import load_studies
from liaison.trials.tests.factories import study_json

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"
TABLET = {"width": 820, "height": 1180}
LAPTOP = {"width": 1280, "height": 800}

# For every table: its size, its scrolling container (the nearest ancestor that scrolls
# sideways) and what that container shows. Read in the page, so it is what a user sees.
TABLES_JS = """() => Array.from(document.querySelectorAll("table")).map((table) => {
  let scroller = table.parentElement;
  while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowX)) {
    scroller = scroller.parentElement;
  }
  const caption = table.querySelector("caption");
  const result = {
    table: caption ? caption.textContent.trim() : table.querySelector("th").textContent.trim(),
    tableWidth: table.getBoundingClientRect().width,
    parentWidth: table.parentElement.clientWidth,
    scrolls: Boolean(scroller),
  };
  if (!scroller) {
    return result;
  }
  const hint = document.getElementById(scroller.getAttribute("aria-describedby") || "");
  const hintBox = hint ? hint.getBoundingClientRect() : null;
  return Object.assign(result, {
    overflows: scroller.scrollWidth > scroller.clientWidth + 1,
    role: scroller.getAttribute("role"),
    tabindex: scroller.getAttribute("tabindex"),
    label: scroller.getAttribute("aria-label") || "",
    hint: hint && hint.checkVisibility() && hintBox.width > 0 && hintBox.right <= innerWidth
      ? hint.textContent.trim() : null,
    rightShadow: getComputedStyle(scroller, "::after").opacity,
  });
})"""


def sign_in(page: Any, world: DemoWorld, username: str) -> None:
    password = next(login.password for login in world.logins if login.username == username)
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def demo_world(settings: Any, tmp_path: Path) -> DemoWorld:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_demo(seed=42, hcps=80, data_dir=tmp_path)


def table_pages() -> dict[str, list[str]]:
    """Every list or table page of the demo world, by the user who opens it."""
    hcp = HCP.objects.filter(affiliations__isnull=False).order_by("pk").first()
    organization = Organization.objects.filter(affiliations__isnull=False).order_by("pk").first()
    trial = Trial.objects.order_by("pk").first()
    watch = Watch.objects.filter(runs__isnull=False).order_by("pk").first()
    assert hcp and organization and trial and watch
    return {
        "msl": [
            reverse("core:home"),
            reverse("directory:hcp-list"),
            reverse("directory:hcp-detail", args=[hcp.pk]),
            reverse("directory:organization-list"),
            reverse("directory:organization-detail", args=[organization.pk]),
            reverse("trials:trial-list"),
            reverse("trials:trial-detail", args=[trial.nct_id]),
            reverse("trials:landscape"),
            reverse("trials:landscape") + "?by=sponsor",
            reverse("literature:publication-list"),
            reverse("literature:library-item-list"),
            reverse("surveillance:alert-list"),
            reverse("surveillance:watch-list"),
            reverse("surveillance:watch-detail", args=[watch.pk]),
            reverse("core:job-list"),
            reverse("core:token-list"),
        ],
        "admin": [
            reverse("core:audit-list"),
            reverse("core:lockout-list"),
            reverse("core:record-history", args=["directory.hcp", hcp.pk]),
        ],
    }


def unseen_overflow(page: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """What on this page hides columns without a sign, and the tables that scroll."""
    problems: list[str] = []
    scrolling: list[dict[str, Any]] = []
    if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
        problems.append("the page itself is wider than the window")
    for table in page.evaluate(TABLES_JS):
        name = f"{table['table']!r}"
        if not table["scrolls"]:
            if table["tableWidth"] > table["parentWidth"] + 1:
                problems.append(f"{name} is wider than its container and cannot scroll")
            continue
        if not table["overflows"]:
            continue
        scrolling.append(table)
        if table["hint"] != "Scroll sideways for more columns":
            problems.append(f"{name} scrolls without the visible hint (hint: {table['hint']!r})")
        if table["rightShadow"] != "1":
            problems.append(f"{name} scrolls without a shadow at its right edge")
        if table["role"] != "region" or table["tabindex"] != "0" or not table["label"]:
            problems.append(
                f"{name} scrolls in a container that is not a labelled, focusable region"
            )
    return problems, scrolling


def test_no_table_hides_columns_unseen_at_tablet_width(page: Any, demo_world: DemoWorld) -> None:
    page.set_viewport_size(TABLET)
    page.emulate_media(reduced_motion="reduce")
    problems: list[str] = []
    scrolling: list[str] = []
    for username, urls in table_pages().items():
        page.context.clear_cookies()
        sign_in(page, demo_world, username)
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.ok, url
            page.wait_for_load_state("load")
            found, scrolled = unseen_overflow(page)
            problems += [f"{url}: {problem}" for problem in found]
            scrolling += [f"{url} {table['table']}" for table in scrolled]
    assert not problems, "\n".join(problems)
    # The tables the issue names are too wide for a tablet, and say so.
    for wide in ("Trials by product and overall status", "HCPs matching", "Trials matching"):
        assert any(wide in table for table in scrolling), (wide, scrolling)


def test_scrolling_a_wide_table_moves_the_shadow_and_the_keyboard_can_scroll_it(
    page: Any, axe: Any, demo_world: DemoWorld
) -> None:
    page.set_viewport_size(TABLET)
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, demo_world, "msl")
    page.goto(reverse("trials:landscape"))
    region = page.get_by_role("region", name=re.compile("overall status"))
    assert "Scroll sideways for more columns" in page.locator("#status-heading + p").inner_text()
    completed = region.get_by_role("columnheader", name="Completed")
    assert not completed_in_view(region, completed)
    axe.check(page)

    region.focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1", arg=region.element_handle()
    )
    assert completed_in_view(region, completed)
    # The shadow follows the scroll event, which may come a frame after the position.
    page.wait_for_function(
        "(el) => getComputedStyle(el, '::after').opacity === '0'",
        arg=region.element_handle(),
        timeout=5000,
    )
    # The product column stays in view, shaded where the counts slide under it.
    product = region.get_by_role("rowheader").first
    assert product.bounding_box()["x"] == pytest.approx(region.bounding_box()["x"] + 1, abs=2)
    assert product.evaluate("(el) => getComputedStyle(el).boxShadow") != "none"
    axe.check(page)


def completed_in_view(region: Any, header: Any) -> bool:
    box, frame = header.bounding_box(), region.bounding_box()
    return bool(box["x"] + box["width"] <= frame["x"] + frame["width"] + 1)


def test_results_swapped_in_by_htmx_keep_the_hint(page: Any, demo_world: DemoWorld) -> None:
    page.set_viewport_size(TABLET)
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, demo_world, "msl")
    page.goto(reverse("trials:trial-list"))
    page.get_by_label("Sort by").select_option(index=1)
    page.wait_for_url(re.compile(r".*sort=.*"))
    region = page.get_by_role("region", name=re.compile("Trials matching the search"))
    region.wait_for()
    problems, scrolling = unseen_overflow(page)
    assert not problems and scrolling
    assert page.get_by_text("Scroll sideways for more columns").count() == 1


#: The nine overall statuses of the demo world's landscape (the issue's 1,630 px table).
STATUSES = (
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "COMPLETED",
    "WITHDRAWN",
    "UNKNOWN",
)


@pytest.fixture
def every_status(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user(username="msl", password=PASSWORD, role=Role.MSL)
    for name, generic in (("Onvexa", "velotinib"), ("Cardivance", "sotrelamab")):
        Product.objects.create(name=name, generic_name=generic, company="Aurelia Therapeutics")
    studies = [
        study_json(f"NCT0900{index:04d}", status=status, interventions=(generic,))
        for index, status in enumerate(STATUSES)
        for generic in ("velotinib", "sotrelamab")
    ]
    load_studies(actor=None, studies=[study_from_json(study) for study in studies])


def test_the_landscape_by_status_fits_a_laptop_screen(page: Any, every_status: None) -> None:
    page.set_viewport_size(LAPTOP)
    page.goto("/login/")
    page.get_by_label("Username").fill("msl")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(reverse("trials:landscape"))
    status = page.get_by_role("table", name=re.compile("overall status"))
    headers = status.get_by_role("columnheader")
    assert headers.count() == 2 + len(STATUSES)
    for table in page.evaluate(TABLES_JS):
        assert not table["overflows"], table
    right_edge = status.bounding_box()["x"] + status.bounding_box()["width"]
    for label in ("Completed", "Withdrawn", "Unknown status"):
        box = status.get_by_role("columnheader", name=label, exact=True).bounding_box()
        assert box["x"] + box["width"] <= right_edge <= LAPTOP["width"]
