"""In Chromium: a visitor reads the home page, opens the portfolio, filters it by area, opens a
project and sees its related post and share links; axe-core on home, project list, project page
and call page."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.reference import ensure_reference_data
from projects.models import ProposalStatus
from tests.blog.factories import PostFactory
from tests.calls.factories import CallFactory
from tests.conftest import assert_accessible
from tests.projects.test_public import lab_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_reference_data()
    today = timezone.localdate()
    call = CallFactory(
        title="Torino Social Factory 2030", slug="tsf-2030", year=2030,
        closes_at=timezone.now() + timedelta(days=20),
        first_selection_results_on=today + timedelta(days=40), incubation_starts_on=today + timedelta(days=50),
        incubation_ends_on=today + timedelta(days=100), final_assessment_on=today + timedelta(days=150),
        acceleration_starts_on=today + timedelta(days=220),
    )
    funded = lab_project(call, "Il forno di Mirafiori", status=ProposalStatus.FUNDED, district=2,
                         themes=("disoccupazione",), groups=("giovani-disoccupati",), grant=Decimal("120000.00"),
                         featured=True, summary="Una panetteria artigianale che forma giovani senza lavoro.")
    lab_project(call, "Emporio solidale di Aurora", district=7, summary="Abiti usati a prezzi simbolici.")
    lab_project(call, "Baby parking di Barriera", district=6, status=ProposalStatus.NOT_FUNDED)
    post = PostFactory(title="Pane in Comune: intervista", with_cover=True)
    post.related_projects.add(funded)
    return call, funded


def test_visitor_finds_a_project_from_the_home_page(page, site):
    call, funded = site
    page.goto("/en/")
    assert page.get_by_role("heading", name="Where it stands now").is_visible()
    assert page.get_by_role("heading", name="The call is open").is_visible()
    assert page.get_by_text("proposals received").is_visible()
    assert_accessible(page, "home")

    page.goto("/en/projects/portfolio/")
    assert page.get_by_role("heading", name="The projects", exact=True).is_visible()
    assert page.get_by_role("table").filter(has_text="District").is_visible()
    assert_accessible(page, "project list")
    page.get_by_label("Area (city district)").select_option(label="District 2 - Santa Rita, Mirafiori Nord, "
                                                                   "Mirafiori Sud")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**district=2**")
    assert page.get_by_text("1 project", exact=True).is_visible()
    assert page.get_by_role("link", name="Emporio solidale di Aurora").count() == 0
    page.get_by_role("link", name="Il forno di Mirafiori").click()

    assert page.get_by_role("heading", name="Il forno di Mirafiori").is_visible()
    assert page.get_by_role("link", name="Pane in Comune: intervista").is_visible()
    assert page.get_by_role("link", name="Share on Facebook").is_visible()
    assert page.get_by_test_id("grant").inner_text() == "€120,000"
    assert_accessible(page, "project page")

    page.goto(call.get_absolute_url())
    assert page.get_by_role("heading", name=call.title).is_visible()
    assert_accessible(page, "call page")


def test_staff_write_and_publish_a_project_page(page, staff_user, settings, tmp_path):
    import re

    from tests.conftest import PASSWORD, totp_now

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_reference_data()
    call = CallFactory(title="Torino Social Factory 2018", slug="tsf-2018", year=2018)
    proposal = lab_project(call, "Orti e lavoro a Mirafiori", status=ProposalStatus.FUNDED, district=2, page=False)

    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(staff_user.email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label(re.compile(r"^\s*Code")).fill(totp_now())
    page.get_by_label(re.compile(r"^\s*Code")).press("Enter")
    page.get_by_role("heading", name="My area").wait_for()

    page.goto(f"/en/projects/staff/proposals/{proposal.pk}/")
    page.get_by_role("link", name="Write the public page").click()
    page.get_by_role("heading", name=re.compile("Public page")).wait_for()
    assert_accessible(page, "staff public page form")
    page.get_by_label(re.compile(r"^\s*Public summary")).fill("Agricoltura sociale e lavoro a Mirafiori Nord.")
    page.get_by_label(re.compile(r"^\s*Grant awarded")).fill("75000")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The public page has been saved.").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("The project page is public.").wait_for()
    page.get_by_role("link", name="See the public page").click()
    page.get_by_role("heading", name="Orti e lavoro a Mirafiori").wait_for()
    assert page.get_by_test_id("grant").inner_text() == "€75,000"
