"""An id in a query string that is not an id (`?report=abc`) names nothing: 404 or the page without
it, never a server error (with DEBUG off, as in production)."""
import pytest
from django.test import Client

from tests.acceleration.factories import url
from tests.grants.factories import make_grant, past_call
from tsf.core.params import object_id

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1e3", "-1", "0", "1.5", "99999999999999999999999", "1%202", "1;DROP"]


@pytest.mark.parametrize("value, expected", [
    ("12", 12), (" 12 ", 12), (None, None), ("", None), *[(v, None) for v in NOT_IDS]])
def test_object_id_reads_only_positive_whole_numbers(value, expected):
    assert object_id(value) == expected


@pytest.fixture
def team(make_user, staff_user):
    person = make_user("team@example.org", roles=["promoter"])
    grant = make_grant(past_call(), by=staff_user, member=person, signed=True)
    client = Client(raise_request_exception=False)
    client.force_login(person)
    return client, grant.reports.order_by("number").first()


@pytest.mark.parametrize("value", NOT_IDS)
def test_help_request_from_a_report_that_is_not_an_id_is_a_404(team, value):
    client, _report = team
    assert client.get(url("help_new") + f"?report={value}").status_code == 404
    assert client.post(url("help_new"), {"report": value, "topic": "other", "subject": "X", "text": "Y"}
                       ).status_code == 404


@pytest.mark.parametrize("value", NOT_IDS)
def test_support_slots_with_a_report_that_is_not_an_id_show_the_page_without_it(team, value):
    client, report = team
    response = client.get(url("slots") + f"?report={value}")
    assert response.status_code == 200
    assert response.context["form"].initial.get("report") is None
    response = client.get(url("slots") + f"?report={report.pk}")
    assert response.context["form"].initial["report"] == report
