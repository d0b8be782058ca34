"""Request tests for every page and role: who gets in, who gets 403/404, what each one sees."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import selectors, services
from assessment.models import AssessmentRound, Assignment, ConflictDeclaration, Decision
from projects.models import Attachment, Proposal
from tests.assessment.factories import (
    ACT,
    RoundFactory,
    add_committee,
    assign_cleared,
    close,
    make_criteria,
    make_proposal,
    submit_scores,
)
from tests.factories import SERVICE_ACT, office

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _attach(proposal, kind="budget"):
    att = Attachment(version=proposal.versions.get(number=1), kind=kind, title="Budget dettagliato")
    att.file.save("budget.pdf", ContentFile(PDF), save=False)
    att.save()
    return att


def _login(client, user):
    client.force_login(user)
    return client


# Roles on every page -------------------------------------------------------------------------

@pytest.fixture
def decided(rnd, assessors, staff_user, make_user):
    """A round with 4 scored proposals, decided and not yet published."""
    promoter = make_user(roles=["promoter"])
    ps = [make_proposal(rnd.call, member=promoter if i == 0 else None) for i in range(4)]
    for i, p in enumerate(ps):
        submit_scores(assign_cleared(rnd, p, assessors[0]), [9 - i, 5, 5])
        submit_scores(assign_cleared(rnd, p, assessors[1]), [8 - i, 6, 4])
    close(rnd)
    rows = selectors.ranking(rnd)
    services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows), minutes="Verbale", **SERVICE_ACT)
    return rnd, ps, promoter


STAFF_PAGES = ["call_rounds", "round_create", "round", "round_setup", "assignments", "ranking", "decide",
               "minutes", "reopen"]


def _staff_url(name, rnd):
    if name in ("call_rounds", "round_create"):
        return reverse(f"assessment:{name}", kwargs={"call_pk": rnd.call_id})
    if name == "reopen":
        return reverse("assessment:reopen", kwargs={"pk": Assignment.objects.filter(round=rnd).first().pk})
    return reverse(f"assessment:{name}", kwargs={"pk": rnd.pk})


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_by_role(client, decided, staff_user, assessors, make_user, name):
    rnd = decided[0]
    url = _staff_url(name, rnd)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    _login(client, make_user(roles=["promoter"]))
    assert client.get(url).status_code == 403
    _login(client, assessors[0])
    assert client.get(url).status_code == 403
    _login(client, staff_user)
    response = client.get(url, follow=True)
    assert response.status_code == 200


def test_staff_without_totp_is_sent_to_set_it_up(client, rnd, make_user):
    _login(client, make_user(roles=["staff"], mfa=False))
    response = client.get(reverse("assessment:round", kwargs={"pk": rnd.pk}))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_index_sends_each_role_to_its_page(client, rnd, staff_user, assessors, make_user):
    url = reverse("assessment:index")
    assert client.get(url)["Location"] == reverse("calls:index")
    _login(client, staff_user)
    assert client.get(url)["Location"] == reverse("assessment:call_rounds", kwargs={"call_pk": rnd.call_id})
    _login(client, assessors[0])
    assert client.get(url)["Location"] == reverse("assessment:mine")


# Round set-up and assignment pages ---------------------------------------------------------------

def test_round_create_and_setup_with_criteria_and_committee(client, staff_user, assessors):
    from tests.calls.factories import CallFactory

    call = CallFactory()
    _login(client, staff_user)
    url = reverse("assessment:round_create", kwargs={"call_pk": call.pk})
    data = {"kind": "selection", "title_it": "Selezione", "version_number": 1, "opens_at": "2030-02-05T09:00",
            "closes_at": "2030-02-01T09:00", "combine": "mean", "others_scores": "never", "show_identity": "on",
            "disagreement_threshold": "20", "quota": 25, "assessors_per_proposal": 2}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The round must close after it opens." in response.content.decode()
    data["closes_at"] = "2030-02-23T18:00"
    response = client.post(url, data)
    rnd = AssessmentRound.objects.get(call=call)
    assert response["Location"] == reverse("assessment:round_setup", kwargs={"pk": rnd.pk})
    setup = {f"round-{k}": v for k, v in data.items()}
    setup.update({
        "criteria-TOTAL_FORMS": 2, "criteria-INITIAL_FORMS": 0, "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 30,
        "criteria-0-name": "Impatto", "criteria-0-max_points": 10, "criteria-0-weight": "3", "criteria-0-order": 0,
        "criteria-1-name": "Team", "criteria-1-max_points": 0, "criteria-1-weight": "1", "criteria-1-order": 1,
        "committee-assessors": [assessors[0].pk, assessors[1].pk],
    })
    url = reverse("assessment:round_setup", kwargs={"pk": rnd.pk})
    response = client.post(url, setup)
    assert response.status_code == 200 and "Ensure this value is greater than or equal to 1." in (
        response.content.decode())
    setup["criteria-1-max_points"] = 5
    response = client.post(url, setup)
    assert response.status_code == 302
    assert [(c.name, c.max_points, c.weight) for c in rnd.criteria.all()] == [
        ("Impatto", 10, Decimal("3.00")), ("Team", 5, Decimal("1.00"))]
    assert set(rnd.committee.values_list("assessor_id", flat=True)) == {assessors[0].pk, assessors[1].pk}


def test_assignment_page_by_hand_and_automatic(client, rnd, staff_user, assessors):
    ps = [make_proposal(rnd.call) for _ in range(3)]
    _login(client, staff_user)
    url = reverse("assessment:assignments", kwargs={"pk": rnd.pk})
    response = client.post(url, {"hand-proposal": ps[0].pk, "hand-assessor": assessors[0].pk, "hand": "1"})
    assert response.status_code == 302
    response = client.post(url, {"hand-proposal": ps[0].pk, "hand-assessor": assessors[0].pk, "hand": "1"})
    assert "is already assigned to this proposal" in response.content.decode()
    response = client.post(url, {"auto-per_proposal": 2, "auto": "1"}, follow=True)
    assert "5 assignments made." in response.content.decode()
    assert Assignment.objects.filter(round=rnd).count() == 6
    a = Assignment.objects.filter(round=rnd).last()
    assert client.post(reverse("assessment:unassign", kwargs={"pk": a.pk})).status_code == 302
    assert not Assignment.objects.filter(pk=a.pk).exists()
    assert client.get(url + "?short=1").context["page_obj"].paginator.count == 1


def test_progress_page_counts_per_assessor(client, rnd, staff_user, assessors):
    p = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, p, assessors[0]), [1, 1, 1])
    assign_cleared(rnd, p, assessors[1])
    _login(client, staff_user)
    rows = {r["assessor"].pk: r for r in client.get(reverse("assessment:round", kwargs={"pk": rnd.pk})).context[
        "progress"]}
    assert (rows[assessors[0].pk]["submitted"], rows[assessors[0].pk]["left"]) == (1, 0)
    assert (rows[assessors[1].pk]["assigned"], rows[assessors[1].pk]["left"]) == (1, 1)


def test_reopen_page_needs_a_reason(client, rnd, staff_user, assessors):
    a = submit_scores(assign_cleared(rnd, make_proposal(rnd.call), assessors[0]), [1, 1, 1])
    _login(client, staff_user)
    url = reverse("assessment:reopen", kwargs={"pk": a.pk})
    assert "This field is required." in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Errore di battitura"}).status_code == 302
    a.refresh_from_db()
    assert a.status == "reopened"


# Assessors: conflict first, the right version, others' scores ---------------------------------------

def test_assessor_sees_proposal_and_files_only_when_assigned_and_cleared(client, rnd, assessors, make_user):
    p = make_proposal(rnd.call)
    att = _attach(p)
    proposal_url = reverse("projects:proposal", kwargs={"pk": p.pk})
    file_url = reverse("core:private_file", args=["projects", "attachment", att.pk, "file"])
    me = assessors[0]
    _login(client, me)
    # Not assigned.
    assert client.get(proposal_url).status_code == 404
    assert client.get(file_url).status_code in (403, 404)
    # Assigned, no declaration yet: still nothing, and the scoring page sends to the declaration.
    a = services.assign(rnd, p, me, by=office())
    assert client.get(proposal_url).status_code == 404
    assert client.get(file_url).status_code in (403, 404)
    response = client.get(reverse("assessment:score", kwargs={"pk": a.pk}))
    assert response["Location"] == reverse("assessment:declare", kwargs={"pk": a.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Un progetto di quartiere." not in page  # no content before the declaration
    # No conflict declared: now the proposal and its files are readable.
    response = client.post(reverse("assessment:declare", kwargs={"pk": a.pk}), {"answer": "no"})
    assert response["Location"] == reverse("assessment:score", kwargs={"pk": a.pk})
    assert client.get(proposal_url).status_code == 200
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # Another assessor, assigned but with a conflict: 404 and the assignment has gone.
    other = assessors[1]
    b = services.assign(rnd, p, other, by=office())
    _login(client, other)
    response = client.post(reverse("assessment:declare", kwargs={"pk": b.pk}), {"answer": "yes", "reason": ""})
    assert "Explain the conflict of interest." in response.content.decode()
    response = client.post(reverse("assessment:declare", kwargs={"pk": b.pk}),
                           {"answer": "yes", "reason": "Mia sorella presiede l'ente."})
    assert response["Location"] == reverse("assessment:mine")
    assert client.get(proposal_url).status_code == 404
    assert client.get(file_url).status_code in (403, 404)
    assert client.get(reverse("assessment:score", kwargs={"pk": b.pk})).status_code == 404
    assert ConflictDeclaration.objects.get(assessor=other).has_conflict


def test_assessor_cannot_open_someone_elses_assignment(client, rnd, assessors):
    a = assign_cleared(rnd, make_proposal(rnd.call), assessors[0])
    _login(client, assessors[1])
    assert client.get(reverse("assessment:score", kwargs={"pk": a.pk})).status_code == 404
    assert client.get(reverse("assessment:declare", kwargs={"pk": a.pk})).status_code == 404


def test_round_not_open_yet_shows_nothing(client, assessors):
    from datetime import timedelta

    from django.utils import timezone

    rnd = RoundFactory(opens_at=timezone.now() + timedelta(days=1))
    make_criteria(rnd)
    add_committee(rnd, assessors)
    p = make_proposal(rnd.call)
    a = assign_cleared(rnd, p, assessors[0])
    _login(client, assessors[0])
    assert client.get(reverse("projects:proposal", kwargs={"pk": p.pk})).status_code == 404
    assert client.get(reverse("assessment:score", kwargs={"pk": a.pk})).status_code == 404


def test_scoring_page_shows_the_round_version_and_hides_identity(client, assessors):
    rnd = RoundFactory(kind="final", version_number=2, show_identity=False)
    make_criteria(rnd)
    add_committee(rnd, assessors)
    p = make_proposal(rnd.call, status="revised_submitted", title="Orti condivisi", v2=True)
    a = assign_cleared(rnd, p, assessors[0])
    _login(client, assessors[0])
    page = client.get(reverse("assessment:score", kwargs={"pk": a.pk})).content.decode()
    assert "Orti condivisi (rev.)" in page and "Versione rivista." in page
    assert p.organisation.legal_name not in page
    assert "identity hidden" in page


def test_score_draft_then_submit_locks(client, rnd, assessors):
    a = assign_cleared(rnd, make_proposal(rnd.call), assessors[0])
    crits = list(rnd.criteria.all())
    _login(client, assessors[0])
    url = reverse("assessment:score", kwargs={"pk": a.pk})
    data = {f"points_{c.pk}": "" for c in crits}
    data.update({f"points_{crits[0].pk}": "12", "save": "1"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    data[f"points_{crits[0].pk}"] = "8"
    assert client.post(url, data).status_code == 302  # draft with gaps is fine
    data["submit"] = "1"
    response = client.post(url, data)
    assert "cannot be submitted yet" in response.content.decode()
    assert "Give the points for" in response.content.decode()
    data.update({f"points_{c.pk}": "7" for c in crits[1:]})
    data.update({"strengths": "Radicamento forte", "weaknesses": "Costi alti"})
    assert client.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.status == "submitted"
    data[f"points_{crits[0].pk}"] = "1"
    client.post(url, data)
    assert selectors.assignment_totals(rnd)[a.pk] == Decimal("8") * 3 + Decimal("7") * 2 + Decimal("7")


@pytest.mark.parametrize("policy", ["never", "after_own"])
def test_others_scores_only_as_the_round_allows(client, rnd, assessors, policy):
    rnd.others_scores = policy
    rnd.save()
    p = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, p, assessors[1]), [2, 2, 2], strengths="Segreto altrui")
    mine = assign_cleared(rnd, p, assessors[0])
    _login(client, assessors[0])
    url = reverse("assessment:score", kwargs={"pk": mine.pk})
    page = client.get(url).content.decode()
    assert "Segreto altrui" not in page  # before submitting: never
    submit_scores(mine, [9, 9, 9])
    page = client.get(url).content.decode()
    assert ("Segreto altrui" in page) == (policy == "after_own")


def test_the_assessors_summary_is_what_select_related_reads(rnd, assessors):
    """`assessor_summary` (a row made once per process) gives the rounds and their calls, without
    the call's long texts, and the counts as the ORM's select_related and annotate give them."""
    from django.db.models import Count, Q

    from projects.selectors import CALL_TEXTS

    ps = [make_proposal(rnd.call) for _ in range(3)]
    submit_scores(assign_cleared(rnd, ps[0], assessors[0]), [1, 1, 1])
    assign_cleared(rnd, ps[1], assessors[0])
    assign_cleared(rnd, ps[2], assessors[1])
    now = rnd.opens_at + timedelta(hours=1)

    def fields(instance):
        return {k: v for k, v in vars(instance).items() if k not in ("_state", "n_assigned", "n_done")}

    for who, at in ((assessors[0], now), (assessors[1], now), (assessors[2], now),
                    (assessors[0], rnd.opens_at - timedelta(hours=1))):
        expected = list(
            AssessmentRound.objects.filter(assignments__assessor=who, opens_at__lte=at)
            .select_related("call").defer(*(f"call__{name}" for name in CALL_TEXTS))
            .annotate(n_assigned=Count("assignments"),
                      n_done=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)))
            .order_by("-closes_at", "pk"))
        got = selectors.assessor_summary(who, now=at)
        assert [(s["assigned"], s["done"], s["left"]) for s in got] == [
            (r.n_assigned, r.n_done, r.n_assigned - r.n_done) for r in expected]
        for s, r in zip(got, expected, strict=True):
            assert fields(s["round"]) == fields(r) and fields(s["round"].call) == fields(r.call)
            assert s["round"].call.get_deferred_fields() == r.call.get_deferred_fields() == set(CALL_TEXTS)
            assert s["round"].call.title == r.call.title and s["round"].title == r.title
    assert [s["assigned"] for s in selectors.assessor_summary(assessors[0], now=now)] == [2]


def test_my_assignments_progress_and_deadline(client, rnd, assessors):
    ps = [make_proposal(rnd.call) for _ in range(3)]
    submit_scores(assign_cleared(rnd, ps[0], assessors[0]), [1, 1, 1])
    assign_cleared(rnd, ps[1], assessors[0])
    services.assign(rnd, ps[2], assessors[0], by=office())
    _login(client, assessors[0])
    response = client.get(reverse("assessment:mine"))
    page = response.content.decode()
    assert "Assigned: 3 · done: 1 · left: 2" in page
    assert "declare first" in page
    assert client.get(reverse("assessment:mine") + "?status=done").context["page_obj"].paginator.count == 1
    area = client.get(reverse("accounts:my_area")).content.decode()
    assert "assigned 3, done 1, left 2" in area


# Ranking, decision, minutes, exports ------------------------------------------------------------

def _ranking_queries(client, rnd, query=""):
    url = reverse("assessment:ranking", kwargs={"pk": rnd.pk}) + query
    client.get(url)  # warm up (sessions, role cache)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _populate(rnd, assessors, n):
    from assessment.models import Score

    crits = list(rnd.criteria.all())
    scores = []
    for i in range(n):
        p = make_proposal(rnd.call)
        for j, u in enumerate(assessors):
            a = Assignment.objects.create(round=rnd, proposal=p, assessor=u, status="submitted")
            scores += [Score(assignment=a, criterion=c, value=Decimal((i + j + k) % 11)) for k, c in enumerate(crits)]
    Score.objects.bulk_create(scores)
    services.rebuild_ranking(rnd)  # written around the services, like the bench's seed


def test_ranking_page_query_count_is_flat(client, staff_user, make_user):
    five = [make_user(roles=["assessor"]) for _ in range(5)]
    small, big = RoundFactory(), RoundFactory()
    for r in (small, big):
        make_criteria(r)
        add_committee(r, five)
    _populate(small, five, 10)
    _populate(big, five, 200)
    _login(client, staff_user)
    assert _ranking_queries(client, small) == _ranking_queries(client, big) == _ranking_queries(client, big, "?page=4")
    page = client.get(reverse("assessment:ranking", kwargs={"pk": big.pk})).content.decode()
    assert "then the earlier protocol number" in page and "Impatto sociale" in page


def test_ranking_exports_and_printable(client, decided, staff_user):
    rnd = decided[0]
    _login(client, staff_user)
    url = reverse("assessment:ranking", kwargs={"pk": rnd.pk})
    csv = b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Rank,Protocol,Title")
    assert len(csv.strip().splitlines()) == 5
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    printable = client.get(url + "?print=1").content.decode()
    assert "assessment/print.css" in printable and "js/print.js" in printable and "data-print" in printable
    assert "onclick" not in printable
    minutes = reverse("assessment:minutes", kwargs={"pk": rnd.pk})
    csv = b"".join(client.get(minutes + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "Admitted to the Incubation Lab" in csv
    assert client.get(minutes + "?format=xlsx").status_code == 200
    assert "Verbale" in client.get(minutes + "?print=1").content.decode()


def test_minutes_pdf_reads_back_the_committee_conflicts_scores_and_ranking(client, decided, staff_user, assessors):
    from django.utils import translation

    from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text

    rnd, ps, _promoter = decided
    staff_user.full_name = "Mario Rossi"
    staff_user.save(update_fields=["full_name"])
    ConflictDeclaration.objects.create(round=rnd, proposal=ps[3], assessor=assessors[2], has_conflict=True,
                                       reason="Socio dell'ente proponente")
    from datetime import date

    Decision.objects.filter(round=rnd).update(act_number="2030 04321", act_date=date(2030, 6, 3),
                                              act_official="Dirigente Anna Verdi")
    _login(client, staff_user)
    with translation.override("it"):
        url = reverse("assessment:minutes", kwargs={"pk": rnd.pk})
        assert "Scarica il verbale (PDF)" in client.get(url).content.decode()
        response = client.get(url + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="verbale-')
    assert pdf_is_tagged_pdfa(response.content)
    text = pdf_text(response.content)
    # The committee, with a signature block each, and the official who decided.
    assert "La commissione" in text and all(a.full_name in text for a in assessors)
    assert text.count("Componente della commissione") == 3 and "Mario Rossi" in text
    # The conflict declared, with its reason; the declarations of no conflict counted.
    assert "Socio dell'ente proponente" in text and ps[3].protocol_number in text
    # Each assessor's points and weighted total (9 x 3 + 5 x 2 + 5 x 1 = 42).
    assert "Punteggi di ciascun valutatore" in text and "42,00" in text
    # The frozen ranking in its order, and the decision's minutes.
    rows = selectors.ranking(rnd)
    positions = [text.index(r.proposal.protocol_number, text.index("La graduatoria come deliberata")) for r in rows]
    assert positions == sorted(positions)
    assert "Verbale" in text
    # The municipal act that approves the decision: number, date (the Italian way) and official.
    assert "Atto dirigenziale" in text and "2030 04321" in text and "3 giugno 2030" in text
    assert "Dirigente Anna Verdi" in text


def test_funding_decision_pdf_carries_its_municipal_act(client, assessors, staff_user):
    """The funding decision downloads as its own document: the act (number, date the Italian way,
    official), each proposal's outcome and grant, and the official's signature block."""
    from datetime import date

    from django.utils import translation

    from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text

    r = RoundFactory(kind=AssessmentRound.Kind.FINAL, version_number=2, quota=1, title="Finanziamento 2030")
    r.call.total_budget = Decimal("200000.00")
    r.call.max_grant = Decimal("140000.00")
    r.call.save()
    make_criteria(r)
    add_committee(r, assessors)
    ps = [make_proposal(r.call, status="revised_submitted", v2=True) for _ in range(2)]
    for i, p in enumerate(ps):
        submit_scores(assign_cleared(r, p, assessors[0]), [9 - i, 5, 5])
        submit_scores(assign_cleared(r, p, assessors[1]), [8 - i, 6, 4])
    close(r)
    services.apply_decision(r, by=staff_user, outcomes=services.proposed_outcomes(r, selectors.ranking(r)),
                            minutes="Verbale", **SERVICE_ACT)
    Decision.objects.filter(round=r).update(act_number="2030 04322", act_date=date(2030, 6, 4),
                                            act_official="Dirigente Anna Verdi")
    _login(client, staff_user)
    with translation.override("it"):
        url = reverse("assessment:minutes", kwargs={"pk": r.pk})
        assert "Scarica la decisione con il suo atto (PDF)" in client.get(url).content.decode()
        response = client.get(url + "?format=decision-pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="decisione-')
    assert pdf_is_tagged_pdfa(response.content)
    text = pdf_text(response.content)
    assert "Decisione · Finanziamento 2030" in text
    assert "Atto dirigenziale" in text
    assert "Determinazione dirigenziale n. 2030 04322 del 4 giugno 2030 (Dirigente Anna Verdi)" in text
    assert "L'esito per ciascuna proposta" in text and "Finanziat" in text
    assert "90.000,00" in text  # the grant proposed for the first, the Italian way
    assert all(p.protocol_number in text for p in ps)
    assert "Firme" in text and "Dirigente Anna Verdi" in text
    # Not the minutes: the committee's scores stay in the minutes' own document.
    assert "Punteggi di ciascun valutatore" not in text


def test_decision_pdf_is_for_staff_only(client, decided, assessors):
    rnd = decided[0]
    _login(client, assessors[0])
    response = client.get(reverse("assessment:minutes", kwargs={"pk": rnd.pk}) + "?format=decision-pdf")
    assert response.status_code in (302, 403) and response.get("Content-Type") != "application/pdf"


def _minutes_pdf_queries(client, rnd):
    url = reverse("assessment:minutes", kwargs={"pk": rnd.pk}) + "?format=pdf"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_minutes_pdf_query_count_is_flat(client, staff_user, make_user):
    five = [make_user(roles=["assessor"]) for _ in range(5)]
    counts = []
    for n in (3, 40):
        r = RoundFactory()
        make_criteria(r)
        add_committee(r, five)
        _populate(r, five, n)
        close(r)
        services.apply_decision(r, by=staff_user, outcomes=services.proposed_outcomes(r, selectors.ranking(r)),
                                minutes="Verbale", **SERVICE_ACT)
        _login(client, staff_user)
        counts.append(_minutes_pdf_queries(client, r))
    assert counts[0] == counts[1]


def test_decision_is_confirmed_before_it_is_applied(client, rnd, assessors, staff_user):
    ps = [make_proposal(rnd.call) for _ in range(4)]
    for i, p in enumerate(ps):
        submit_scores(assign_cleared(rnd, p, assessors[0]), [9 - i, 5, 5])
    rnd.assessors_per_proposal = 1
    rnd.save()
    _login(client, staff_user)
    url = reverse("assessment:decide", kwargs={"pk": rnd.pk})
    response = client.post(url, {"count": 3, "minutes": "x", **ACT})
    assert "Close the round before the committee decides." in response.content.decode()
    client.post(reverse("assessment:close", kwargs={"pk": rnd.pk}), {"next": "decide"})
    response = client.post(url, {"count": 4, "minutes": "x", **ACT})
    assert "At most 3 proposals can be admitted to the Incubation Lab: 4 were chosen." in response.content.decode()
    response = client.post(url, {"count": 3, "minutes": "Seduta del 26 febbraio", **ACT})
    assert response.status_code == 200
    assert "3 proposals will be admitted" in response.content.decode()
    assert not Decision.objects.exists()  # only shown, not applied
    assert Proposal.objects.filter(status="admissible").count() == 4
    data = {"confirm": "1", "minutes": "Seduta del 26 febbraio", **ACT}
    for r in response.context["rows"]:
        data[f"outcome_{r.proposal.pk}"] = r.outcome
    # A forged confirmation over the quota is refused by the service.
    forged = {**data, **{f"outcome_{p.pk}": "admitted" for p in ps}}
    response = client.post(url, forged, follow=True)
    assert "At most 3 proposals can be admitted" in response.content.decode()
    assert not Decision.objects.exists()
    response = client.post(url, data)
    assert response["Location"] == reverse("assessment:minutes", kwargs={"pk": rnd.pk})
    assert Proposal.objects.filter(status="admitted_to_incubation").count() == 3
    decision = Decision.objects.get()
    assert decision.minutes == "Seduta del 26 febbraio"
    assert decision.act == "Executive decision no. 2019 01234 of 27 February 2019 (Dott.ssa Maria Bianchi)"


def test_final_decision_page_refuses_over_max_grant_with_the_message(client, assessors, staff_user):
    rnd = RoundFactory(kind="final", version_number=2, quota=2)
    make_criteria(rnd)
    add_committee(rnd, assessors)
    ps = [make_proposal(rnd.call, status="revised_submitted", v2=True) for _ in range(2)]
    for p in ps:
        submit_scores(assign_cleared(rnd, p, assessors[0]), [5, 5, 5])
    close(rnd)
    _login(client, staff_user)
    url = reverse("assessment:decide", kwargs={"pk": rnd.pk})
    response = client.get(url)
    assert response.status_code == 200
    data = {"minutes": "", "override_reason": "Un valutatore si è dimesso.", **ACT, f"fund_{ps[0].pk}": "on", f"grant_{ps[0].pk}": "150.000,00",
            f"fund_{ps[1].pk}": "on", f"grant_{ps[1].pk}": "abc"}
    page = client.post(url, data).content.decode()
    assert "Enter an amount in euros" in page
    data[f"grant_{ps[1].pk}"] = "90000"
    page = client.post(url, data).content.decode()
    assert "exceeds the maximum grant of €140,000.00" in page
    assert set(Proposal.objects.values_list("status", flat=True)) == {"revised_submitted"}


def test_publish_and_public_ranking(client, decided, staff_user):
    rnd, ps, _promoter = decided
    public = reverse("assessment:public_ranking", kwargs={"call_pk": rnd.call_id})
    assert "has not been published yet" in client.get(public).content.decode()
    _login(client, staff_user)
    assert client.post(reverse("assessment:publish", kwargs={"pk": rnd.pk})).status_code == 302
    client.logout()
    page = client.get(public).content.decode()
    title = ps[0].versions.get(number=1).title
    assert title in page and ps[0].organisation.legal_name in page and "Admitted to the Incubation Lab" in page


def test_my_area_reads_the_outcomes_as_the_orm_does(rf, decided):
    """The panel's statement gives the decision items (decision, round) outcome_items_for gave, of the
    person's proposals only, in its order."""
    from assessment.panels import my_outcomes
    from tests.projects.conftest import add_member

    rnd, ps, promoter = decided
    add_member(promoter, ps[2].organisation)
    request = rf.get("/")
    request.user = promoter

    def seen(items):
        return [(i.pk, i.proposal_id, i.outcome, i.get_outcome_display(), i.rank, i.combined_score, i.grant_amount,
                 i.get_deferred_fields(), i.decision.pk, i.decision.decided_at, i.decision.get_deferred_fields(),
                 i.decision.round.pk, i.decision.round.title, i.decision.round.get_deferred_fields()) for i in items]

    expected = seen(selectors.outcome_items_for([ps[0].pk, ps[2].pk]))
    panel = my_outcomes(request)
    assert seen(panel["items"]) == expected and len(expected) == 2
    assert [i.proposal.protocol_number for i in panel["items"]] == [ps[0].protocol_number, ps[2].protocol_number]


def test_team_reads_outcome_score_and_feedback(client, decided, make_user, assessors, staff_user):
    rnd, ps, promoter = decided
    url = reverse("assessment:outcome", kwargs={"proposal_pk": ps[0].pk})
    _login(client, promoter)
    page = client.get(url).content.decode()
    assert "Admitted to the Incubation Lab" in page and "Buona idea." in page and "Budget fragile." in page
    assert assessors[0].full_name not in page  # feedback without the assessors' names
    area = client.get(reverse("accounts:my_area")).content.decode()
    assert "Assessment outcomes" in area and ps[0].protocol_number in area
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.html import escape

    with CaptureQueriesContext(connection) as ctx:
        area = client.get(reverse("accounts:my_area")).content.decode()
    panel = area.split('id="panel-outcomes"')[1].split("</section>")[0]
    assert f"{ps[0].protocol_number} · {escape(rnd.title)}" in panel and "Admitted to the Incubation Lab" in panel
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "assessment_assessmentround"."id", '
                                                                        '"assessment_assessmentround"."title')]
    _login(client, make_user(roles=["promoter"]))
    assert client.get(url).status_code == 404
    _login(client, assessors[0])
    assert client.get(url).status_code == 404
    _login(client, staff_user)
    assert client.get(url).status_code == 200


def test_weights_cannot_change_once_scores_exist(client, rnd, assessors, staff_user):
    write = submit_scores(assign_cleared(rnd, make_proposal(rnd.call), assessors[0]), [5, 5, 5])
    assert write.status == "submitted"
    _login(client, staff_user)
    url = reverse("assessment:round_setup", kwargs={"pk": rnd.pk})
    form = client.get(url).context
    data = {}
    for name, value in form["form"].initial.items():
        if value is not None:
            data[f"round-{name}"] = value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value
    data["round-show_identity"] = "on"
    crits = list(rnd.criteria.all())
    data.update({"criteria-TOTAL_FORMS": len(crits), "criteria-INITIAL_FORMS": len(crits),
                 "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 30,
                 "committee-assessors": [a.pk for a in assessors]})
    for i, c in enumerate(crits):
        data.update({f"criteria-{i}-id": c.pk, f"criteria-{i}-name": c.name, f"criteria-{i}-max_points": c.max_points,
                     f"criteria-{i}-weight": str(c.weight), f"criteria-{i}-order": c.order,
                     f"criteria-{i}-description": ""})
    data["criteria-0-weight"] = "5"
    response = client.post(url, data)
    assert "the maximum points and weights can no longer change" in response.content.decode()
    assert rnd.criteria.get(pk=crits[0].pk).weight == Decimal("3.00")
    data["criteria-0-weight"] = "3.00"
    data["criteria-0-name"] = "Impatto sociale e comunitario"
    assert client.post(url, data).status_code == 302
    assert rnd.criteria.get(pk=crits[0].pk).name == "Impatto sociale e comunitario"


def test_ranking_page_two_shows_the_next_fifty_with_their_columns_in_the_tie_break_order(
        client, staff_user, make_user):
    """The page builds the shown columns only for its 50 rows; they are the export's rows 51-60, and
    the whole ranking follows the rule stated on the page (combined score, then the highest-weighted
    criterion, then the earlier protocol number), ties included."""
    import csv
    import io
    import re
    from html import unescape

    five = [make_user(roles=["assessor"]) for _ in range(5)]
    rnd = RoundFactory()
    make_criteria(rnd)
    add_committee(rnd, five)
    _populate(rnd, five, 60)
    _login(client, staff_user)
    url = reverse("assessment:ranking", kwargs={"pk": rnd.pk})
    exported = list(csv.reader(io.StringIO(
        b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig"))))[1:]
    assert len(exported) == 60 and all(row[2].startswith("Progetto ") and row[3] for row in exported)

    def shown(page):
        html = client.get(url + f"?page={page}").content.decode()
        body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)][:4]
                for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]

    assert shown(1) == [row[:4] for row in exported[:50]]
    assert shown(2) == [row[:4] for row in exported[50:]]
    protocol_seq = dict(Proposal.objects.filter(call=rnd.call).values_list("protocol_number", "protocol_seq"))
    combined = [Decimal(row[4]) for row in exported]
    assert len(set(combined)) < 60  # there are ties, broken by the rule
    assert exported == sorted(exported, key=lambda row: (-Decimal(row[4]), -Decimal(row[8]), protocol_seq[row[1]]))
    assert [int(row[0]) for row in exported] == list(range(1, 61))
