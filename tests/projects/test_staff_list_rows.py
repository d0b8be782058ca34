"""The staff's list of a call's proposals, built from plain rows (projects.selectors.staff_list_rows):
each row shows the current version's title, themes and district, the organisation and its legal
form, the amount, the status, in the reader's language; the page's queries stay flat."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from calls.models import District, ImpactTheme
from projects.models import Proposal
from projects.services import submit_proposal
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete


def _row_of(body, title):
    start = body.index(title)
    return body[body.rindex("<tr>", 0, start):body.index("</tr>", start)]


def test_each_row_shows_the_current_version_organisation_and_status(staff_client, open_call, make_user):
    promoter = make_user(roles=["promoter"])
    org = OrganisationFactory(legal_name="Cooperativa Il Forno", legal_form="coop_b")
    MembershipFactory(user=promoter, organisation=org)
    proposal = complete(ProposalFactory(call=open_call, organisation=org), title="Forno di comunità")
    version = proposal.versions.get()
    version.district = District.objects.get(number=7)
    version.save()
    themes = list(ImpactTheme.objects.order_by("order", "name")[:2])
    version.themes.set(themes)
    submit_proposal(proposal, promoter)
    proposal.refresh_from_db()
    with translation.override("it"):
        row = _row_of(staff_client.get(reverse("projects:staff_proposals", args=[open_call.slug])).content.decode(),
                      "Forno di comunità")
        assert proposal.protocol_number in row
        assert reverse("projects:staff_proposal", kwargs={"pk": proposal.pk}) in row
    assert "Cooperativa Il Forno" in row and "Cooperativa sociale di tipo B" in row
    assert "<td>7</td>" in row
    assert ", ".join(t.name_it for t in themes) in row
    assert "50.000" in row
    assert "Presentata" in row and "bg-primary" in row

    with translation.override("en"):
        row = _row_of(staff_client.get(reverse("projects:staff_proposals", args=[open_call.slug])).content.decode(),
                      "Forno di comunità")
    assert "Social cooperative type B" in row and "Submitted" in row
    assert ", ".join(t.name_en or t.name_it for t in themes) in row


def test_a_draft_shown_to_staff_is_untitled_without_district_or_protocol(staff_client, open_call):
    ProposalFactory(call=open_call, version__title="")
    with translation.override("it"):
        body = staff_client.get(reverse("projects:staff_proposals", args=[open_call.slug]), {"status": "all"}).content
    row = _row_of(body.decode(), "Proposta senza titolo")
    assert row.count("—") >= 3 and "bg-secondary" in row and "Bozza" in row


def test_the_list_reads_the_same_number_of_queries_with_3_and_60_proposals(staff_client, open_call):
    url = reverse("projects:staff_proposals", args=[open_call.slug])
    counts = []
    for target in (3, 60):
        while Proposal.objects.filter(call=open_call).count() < target:
            i = Proposal.objects.count() + 1
            p = complete(ProposalFactory(call=open_call))
            p.versions.get().themes.set(ImpactTheme.objects.all()[:3])
            Proposal.objects.filter(pk=p.pk).update(status="submitted", protocol_seq=i,
                                                    protocol_number=f"TSF-2030-{i:04d}")
        staff_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 13


def test_names_are_escaped_and_the_submission_time_is_local(staff_client, open_call):
    import datetime

    org = OrganisationFactory(legal_name="Bar & Forno <b>APS</b>")
    proposal = complete(ProposalFactory(call=open_call, organisation=org), title="Pane <i>sospeso</i>")
    Proposal.objects.filter(pk=proposal.pk).update(
        status="submitted", protocol_number="TSF-2030-0042",
        submitted_at=datetime.datetime(2030, 3, 31, 22, 30, tzinfo=datetime.UTC))
    with translation.override("it"):
        body = staff_client.get(reverse("projects:staff_proposals", args=[open_call.slug])).content.decode()
    row = _row_of(body, "TSF-2030-0042")
    assert "Bar &amp; Forno &lt;b&gt;APS&lt;/b&gt;" in row and "Pane &lt;i&gt;sospeso&lt;/i&gt;" in row
    assert "01/04/2030 00:30" in row  # 22:30 UTC is half past midnight in Turin (summer time)


def test_the_filters_offer_every_option_in_the_reader_s_language_read_in_one_query(staff_client, open_call):
    from calls.models import Neighbourhood, TargetGroup

    district = District.objects.get(number=7)
    neighbourhood = Neighbourhood.objects.filter(district=district).order_by("name").first()
    theme = ImpactTheme.objects.order_by("order", "name").first()
    group = TargetGroup.objects.order_by("order", "name").first()
    url = reverse("projects:staff_proposals", args=[open_call.slug])
    with translation.override("en"), CaptureQueriesContext(connection) as ctx:
        body = staff_client.get(url, {"theme": theme.pk}).content.decode()
    assert f'<option value="{district.pk}">{district.name_en or district.name_it}</option>' in body
    assert f'<option value="{neighbourhood.pk}">{neighbourhood.name} (7)</option>' in body
    assert f'<option value="{theme.pk}" selected>{theme.name_en or theme.name_it}</option>' in body
    assert f'<option value="{group.pk}">{group.name_en or group.name_it}</option>' in body
    reference = [q for q in ctx.captured_queries if '"calls_neighbourhood"' in q["sql"]]
    assert len(reference) == 1 and '"calls_targetgroup"' in reference[0]["sql"]
    options = body.split('name="district"')[1].split("</select>")[0]
    numbers = [int(n) for n in re.findall(r'<option value="(\d+)"', options)]
    assert numbers == list(District.objects.order_by("number").values_list("pk", flat=True))
