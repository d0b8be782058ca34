"""The projects' part of the home page: figures computed from the data, featured projects."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import home
from projects.models import Proposal, ProposalStatus
from tests.projects.test_public import call, lab_project  # noqa: F401 - the `call` fixture

pytestmark = pytest.mark.django_db
S = ProposalStatus


def figures(client):
    response = client.get("/en/")
    return {f["label"]: f["value"] for f in response.context["figures"]}, response.content.decode()


def test_home_figures_are_computed_from_the_proposals(client, call):  # noqa: F811
    for i in range(3):
        lab_project(call, f"Inviato {i}", status=S.SUBMITTED, page=False)
    lab_project(call, "Finanziato", status=S.FUNDED, page=False)
    lab_project(call, "Incubato", status=S.ADMITTED_TO_INCUBATION, page=False)
    lab_project(call, "Ritirato", status=S.WITHDRAWN, page=False)
    lab_project(call, "Bozza", page=False)
    Proposal.objects.filter(versions__title="Bozza").update(status=S.DRAFT, submitted_at=None)
    values, body = figures(client)
    assert values["proposals received"] == 5  # 3 submitted + funded + incubated; not the withdrawn nor the draft
    assert values["teams incubated"] == 2
    assert values["projects funded"] == 1
    assert "proposals received" in body and "teams incubated" in body


def test_no_figures_before_any_proposal(client, db):
    values, _body = figures(client)
    assert "proposals received" not in values


def test_figures_cost_one_query_whatever_the_data(call, rf):  # noqa: F811
    lab_project(call, "Uno", status=S.FUNDED, page=False)
    with CaptureQueriesContext(connection) as ctx:
        home.proposal_figures(rf.get("/"))
    assert len(ctx.captured_queries) == 1


def test_home_features_published_projects_only(client, call):  # noqa: F811
    lab_project(call, "In vetrina", status=S.FUNDED, featured=True)
    lab_project(call, "Pubblicato")
    lab_project(call, "Non pubblicato", published=False)
    _values, body = figures(client)
    assert "Projects in the neighbourhoods" in body
    assert "In vetrina" in body and "Pubblicato" in body and "Non pubblicato" not in body
    assert body.index("In vetrina") < body.index("Pubblicato")
