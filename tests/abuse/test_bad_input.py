"""Generated bad input on every form a person submits: overlong text, odd Unicode (RTL overrides,
zero-width joiners, NUL bytes, lone surrogates sent as invalid UTF-8), hostile numbers (1e30, -1, NaN,
"1,5"), reversed and impossible dates, wrong files (a renamed executable, empty, over the limit).

The answer is the form again with a message (200, nothing written to the database) or the normal
redirect after a save; never a server error (the test client re-raises it) and never half a save."""
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.abuse.conftest import changed_tables, db_writes
from tests.abuse.forms import bad_files, post, read_form, value_for

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=8, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger", "alert alert-danger",
                 "callout danger")
SKIP_FIELDS = {"csrfmiddlewaretoken"}


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def hammer(draw, client, url, **kwargs):
    """One example in a savepoint rolled back after it: every example starts from the same data."""
    with transaction.atomic():
        _hammer(draw, client, url, **kwargs)
        transaction.set_rollback(True)


def _hammer(draw, client, url, *, must_have=None, extra=None, pairs=(), files=(), button=None, only=None,
            source=None):
    """GET the form (from `source` if given: a filled page of the same form), put valid values from
    `extra`, replace a few fields (drawn) with hostile values, maybe swap start/end pairs or attach a
    bad file, POST it, and check the answer."""
    page = client.get(source or url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    form = read_form(page.content.decode(), must_have)
    data = {k: list(v) for k, v in form["data"].items() if k not in SKIP_FIELDS}
    for k, v in (extra or {}).items():
        data[k] = [str(x) for x in v] if isinstance(v, list) else [str(v)]
    kinds = {**form["kinds"], **{k: "text" for k in (extra or {}) if k not in form["kinds"]}}
    names = sorted(n for n, kind in kinds.items()
                   if kind not in ("hidden", "file") and n not in SKIP_FIELDS and (only is None or n in only))
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)) if names else []
    for name in chosen:
        data[name] = [draw(value_for(kinds[name]))]
    if pairs and draw(st.booleans()):
        for start, end in pairs:
            if start in data and end in data:
                data[start], data[end] = data[end], data[start]
    upload = {}
    if files:
        label, make = draw(bad_files())
        upload = {name: make() for name in files}
    if button:
        data[button] = ["1"]
    before = db_writes()
    response = post(client, url if source else (form["action"] or url), data, upload)
    changed = changed_tables(before, db_writes())
    assert response.status_code in (200, 302, 303), f"{url}: {response.status_code}"
    event(f"{response.status_code} {'saved' if changed else 'unchanged'}")
    if response.status_code == 200:
        body = response.content.decode()
        assert not changed, f"{url}: the form came back but the database changed: {changed} for {chosen}"
        assert any(m in body for m in ERROR_MARKERS), f"{url}: form came back without a message for {chosen}"
    elif upload:
        assert not changed.get("projects_attachment") and not changed.get("incubation_submission"), (
            f"{url}: a bad file ({label}) was stored")


# The world: people and objects in the states where each form is open ---------------------------

@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield _make()
            transaction.set_rollback(True)


def _make():
    from types import SimpleNamespace

    from acceleration.models import AccelerationProgramme
    from projects import services as project_services
    from tests.abuse.conftest import _person
    from tests.assessment.factories import (
        RoundFactory,
        add_committee,
        assign_cleared,
        make_criteria,
        make_proposal,
    )
    from tests.calls.factories import CallFactory
    from tests.grants.factories import make_grant, past_call
    from tests.incubation.factories import admitted_team, assign, make_lab
    from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete

    staff = _person("bad.staff@example.org", ["staff"], mfa=True)
    promoter = _person("bad.promoter@example.org", ["promoter"])
    call = CallFactory()
    org = OrganisationFactory()
    MembershipFactory(organisation=org, user=promoter)
    draft = complete(ProposalFactory(call=call, organisation=org, created_by=promoter))
    to_check = complete(ProposalFactory(call=call, organisation=org, created_by=promoter))
    project_services.submit_proposal(to_check, promoter)

    assessor = _person("bad.assessor@example.org", ["assessor"], mfa=True)
    rnd = RoundFactory(call=CallFactory())
    make_criteria(rnd)
    add_committee(rnd, [assessor])
    assignment = assign_cleared(rnd, make_proposal(rnd.call), assessor)

    lab_call = CallFactory()
    lab = make_lab(lab_call)
    team, (member, _other) = admitted_team(lab_call)
    tutor = _person("bad.tutor@example.org", ["tutor"])
    assign(lab, team, tutor)
    workshop = lab.workshops.order_by("number").first()
    deliverable = workshop.deliverables.first()

    grant_call = past_call()
    grant = make_grant(grant_call, by=staff, member=promoter, signed=True)
    report = grant.reports.order_by("number").first()
    line = grant.budget_lines.order_by("order").first()
    AccelerationProgramme.objects.get_or_create(call=grant_call, defaults={"title": "Accelerazione",
                                                                            "starts_on": grant.start_date,
                                                                            "months": 12})
    editor = _person("bad.editor@example.org", ["editor"])
    return SimpleNamespace(**locals())


# Forms ---------------------------------------------------------------------------------------

@EXAMPLES
@given(st.data())
def test_sign_up(w, data):
    hammer(data.draw, _client(), reverse("account_signup"),
           extra={"email": "nuova.persona@example.org", "password1": "Un-altro-Cavallo-7",
                  "password2": "Un-altro-Cavallo-7", "full_name": "Nuova Persona", "privacy": "on"})


@EXAMPLES
@given(st.data())
def test_organisation_create(w, data):
    from tests.projects.factories import partita_iva

    hammer(data.draw, _client(w.promoter), reverse("projects:organisation_create"), must_have="legal_name",
           extra={"legal_name": "Cooperativa Nuova", "legal_form": "aps", "codice_fiscale": partita_iva(4321),
                  "address": "Via Po 1", "postcode": "10124", "email": "coop@example.org",
                  "legal_representative": "Maria Rossi", "legal_representative_role": "Presidente",
                  "your_role": "Referente"})


@pytest.mark.parametrize("step", ["project", "need", "solution", "impact", "team", "budget"])
@EXAMPLES
@given(data=st.data())
def test_proposal_steps(w, step, data):
    hammer(data.draw, _client(w.promoter), reverse("projects:step", kwargs={"pk": w.draft.pk, "step": step}),
           button="next")


@EXAMPLES
@given(st.data())
def test_proposal_attachment(w, data):
    hammer(data.draw, _client(w.promoter),
           reverse("projects:step", kwargs={"pk": w.draft.pk, "step": "attachments"}),
           must_have="file", files=("file",), button="upload")


@EXAMPLES
@given(st.data())
def test_admissibility(w, data):
    hammer(data.draw, _client(w.staff), reverse("projects:staff_admissibility", kwargs={"pk": w.to_check.pk}),
           extra={"outcome": "admissible", "reason": "Requisiti verificati.", "documents_complete": "on"})


@EXAMPLES
@given(st.data())
def test_admissibility_list(w, data):
    from projects import services as project_services
    from projects.models import Proposal, ProposalStatus

    with transaction.atomic():  # every submitted proposal checked: the act's form is open (rolled back after)
        for proposal in Proposal.objects.filter(call=w.to_check.call, status=ProposalStatus.SUBMITTED):
            project_services.record_admissibility(
                proposal, by=w.staff, eligible_applicant=True, documents_complete=True, budget_within_limits=True,
                submitted_on_time=True, outcome="admissible", reason="Requisiti verificati.")
        hammer(data.draw, _client(w.staff),
               reverse("projects:staff_admissibility_list", kwargs={"slug": w.to_check.call.slug}),
               must_have="act_number", extra={"act_number": "2018 00514", "act_date": "2018-02-16", "act_official": "Dott.ssa Maria Bianchi"})
        transaction.set_rollback(True)


@EXAMPLES
@given(st.data())
def test_call_create_and_edit(w, data):
    pairs = (("opens_at", "closes_at"), ("revised_opens_at", "revised_closes_at"))
    edit = reverse("calls:staff_edit", kwargs={"slug": w.call.slug})
    if data.draw(st.booleans()):
        hammer(data.draw, _client(w.staff), edit, pairs=pairs)
    else:  # a new call filled like the existing one
        hammer(data.draw, _client(w.staff), reverse("calls:staff_create"), source=edit, pairs=pairs,
               extra={"title_it": "Bando nuovo", "slug": "bando-nuovo", "year": "2099", "docs-TOTAL_FORMS": "0",
                      "docs-INITIAL_FORMS": "0", "faqs-TOTAL_FORMS": "0", "faqs-INITIAL_FORMS": "0"})


@EXAMPLES
@given(st.data())
def test_assessment_scoring(w, data):
    hammer(data.draw, _client(w.assessor), reverse("assessment:score", kwargs={"pk": w.assignment.pk}))


@EXAMPLES
@given(st.data())
def test_incubation_progress_entry(w, data):
    hammer(data.draw, _client(w.tutor),
           reverse("incubation:progress", kwargs={"workshop_pk": w.workshop.pk, "pk": w.team.pk}),
           extra={"business_model": "3", "impact_design": "2", "market_validation": "4", "team_readiness": "3",
                  "value_proposition": "5", "notes": "Buon lavoro.", "next_actions": "Intervistare 10 utenti."})


@EXAMPLES
@given(st.data())
def test_incubation_deliverable_upload(w, data):
    hammer(data.draw, _client(w.member),
           reverse("incubation:deliverable_upload", kwargs={"pk": w.team.pk, "deliverable_pk": w.deliverable.pk}),
           files=("file",))


@EXAMPLES
@given(st.data())
def test_grant_report_with_expenses(w, data):
    hammer(data.draw, _client(w.promoter), reverse("grants:report_edit", kwargs={"pk": w.report.pk}),
           extra={"exp-TOTAL_FORMS": "1", "exp-0-budget_line": w.line.pk, "exp-0-spent_on": "2025-03-01",
                  "exp-0-amount": "900.00", "exp-0-supplier": "Ditta Esempio", "activities": "Laboratori."},
           button="save")


@EXAMPLES
@given(st.data())
def test_blog_post_editor(w, data):
    hammer(data.draw, _client(w.editor), reverse("blog:manage_create") + "?kind=article",
           extra={"title": "Un articolo", "body": "Testo dell'articolo.", "summary": "Breve sintesi."})


@EXAMPLES
@given(st.data())
def test_help_desk_request(w, data):
    hammer(data.draw, _client(w.promoter), reverse("acceleration:help_new"),
           extra={"subject": "Domanda sulla rendicontazione", "text": "Come si allega una fattura?"})

