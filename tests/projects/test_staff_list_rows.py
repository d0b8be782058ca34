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


def _mixed_proposals(call):
    """Proposals of every kind the filters tell apart: statuses, districts, neighbourhoods, themes,
    target groups, legal forms, titles in upper and lower case, a revised version, a draft."""
    import datetime
    from decimal import Decimal

    from calls.models import Neighbourhood, TargetGroup
    from projects.models import ProposalVersion

    themes, groups = list(ImpactTheme.objects.order_by("pk")[:2]), list(TargetGroup.objects.order_by("pk")[:2])
    neighbourhood = Neighbourhood.objects.order_by("pk").first()
    made = []
    for i, (status, district, form, title) in enumerate([
            ("submitted", 6, "aps", "Forno di Comunità"), ("admissible", 7, "coop_b", "L'orto SOSPESO"),
            ("submitted", 6, "odv", "Città 100% solidale"), ("funded", 1, "aps", "forno_bis"),
            ("not_admissible", 7, "odv", "Hub"), ("submitted", 3, "coop_b", "Übung"), ("draft", 6, "aps", "")]):
        org = OrganisationFactory(legal_form=form, legal_name=f"Ente {i} {'Forno' if i == 5 else 'Alfa'}")
        p = complete(ProposalFactory(call=call, organisation=org), title=title or None,
                     grant=Decimal(f"{(i * 7919) % 50000 + 1000}.50"))
        v = p.versions.get()
        v.district = District.objects.get(number=district)
        v.title = title
        v.save()
        v.themes.set(themes[: i % 3])
        v.target_groups.set(groups[i % 2:])
        if i % 2:
            v.neighbourhoods.set([neighbourhood])
        Proposal.objects.filter(pk=p.pk).update(
            status=status, protocol_seq=i + 1 if status != "draft" else None,
            protocol_number=f"TSF-2030-{i + 1:04d}" if status != "draft" else "",
            submitted_at=datetime.datetime(2030, 3, 1 + i, 10, tzinfo=datetime.UTC) if status != "draft" else None)
        made.append(p)
    revised = ProposalVersion.objects.create(proposal=made[1], number=2, title="Orto rivisto",
                                             district=District.objects.get(number=1), requested_grant=Decimal("9999"))
    revised.themes.set(themes[1:])
    return made, themes, groups, neighbourhood


def test_the_list_s_statements_give_the_rows_of_its_querysets_for_each_sort_filter_and_page(open_call):
    """The statements (made once per process) against the querysets built afresh: every sort, filters
    left out or given, pages of three; the search as `icontains` on title, protocol, name and codice
    fiscale finds them."""
    from django.db.models import OuterRef, Q, Subquery

    from projects import selectors
    from projects.models import ProposalVersion

    made, themes, groups, neighbourhood = _mixed_proposals(open_call)
    filters = [{}, {"status": "all"}, {"status": "submitted"}, {"district": District.objects.get(number=6).pk},
               {"neighbourhood": neighbourhood.pk}, {"theme": themes[1].pk}, {"target_group": groups[1].pk},
               {"legal_form": "aps"}, {"q": "forno"}, {"q": "SOSPESO", "status": "all"}, {"q": "100%"},
               {"q": "_"}, {"q": "übung"}, {"q": "tsf-2030-000"}, {"q": made[2].organisation.codice_fiscale[3:9]},
               {"status": "all", "district": District.objects.get(number=6).pk, "theme": themes[0].pk, "q": "o"}]
    current = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    for language in ("it", "en"):
        with translation.override(language):
            for params in filters:
                values = selectors.staff_filter_values(params)
                for sort in selectors.SORTS:
                    rows = selectors.StaffRows(open_call.pk, {**params, "sort": sort})
                    expected = list(selectors._staff_rows(sort, call=open_call.pk, **values))
                    assert rows.count() == len(expected), (params, sort)
                    got = [row for start in range(0, len(expected) + 3, 3) for row in rows[start:start + 3]]
                    assert got == [dict(zip(selectors.STAFF_ROW_FIELDS, row, strict=True)) for row in expected]
                if params.get("q") and set(params) <= {"q", "status"}:
                    q = params["q"]
                    found = (Proposal.objects.filter(call=open_call)
                             .annotate(t=Subquery(current.values("title")[:1]))
                             .filter(Q(t__icontains=q) | Q(protocol_number__icontains=q)
                                     | Q(organisation__legal_name__icontains=q)
                                     | Q(organisation__codice_fiscale__icontains=q)))
                    if params.get("status") != "all":
                        found = found.exclude(status="draft")
                    expected_pks = set(found.values_list("pk", flat=True))
                    assert {r["pk"] for r in rows[0:100]} == expected_pks, params
    assert [r["pk"] for r in selectors.StaffRows(open_call.pk, {"q": "forno", "sort": "protocol"})[0:25]] == [
        made[0].pk, made[3].pk, made[5].pk]
    assert selectors.StaffRows(open_call.pk, {"q": "nothing like it"}).count() == 0
    assert selectors.StaffRows(open_call.pk, {})[4:4] == []


def test_the_rows_themes_are_those_of_the_page_s_current_versions(open_call):
    from projects import selectors

    made, themes, _groups, _neighbourhood = _mixed_proposals(open_call)
    with translation.override("en"):
        rows = selectors.staff_list_rows(selectors.StaffRows(open_call.pk, {"status": "all"})[0:25])
    by_pk = {r["pk"]: r["themes"] for r in rows}
    assert by_pk[made[1].pk] == (themes[1].name_en or themes[1].name_it)  # the revised version's
    assert by_pk[made[2].pk] == ", ".join(t.name_en or t.name_it for t in themes[:2])
    assert by_pk[made[0].pk] == "" and len(rows) == 7


def test_amounts_and_times_are_written_as_floatformat_and_date_format_write_them():
    import datetime
    from decimal import Decimal

    from django.template.defaultfilters import floatformat
    from django.utils import timezone
    from django.utils.formats import date_format

    from projects.templatetags.staff_rows import _amount, _short_datetime

    amounts = [Decimal("50000.00"), Decimal("1234567.50"), Decimal("999.49"), Decimal("0"), Decimal("-0.4"),
               Decimal("-1234.5"), Decimal("12"), None, 7, Decimal("NaN")]
    times = [datetime.datetime(2030, 3, 31, 22, 30, tzinfo=datetime.UTC),
             datetime.datetime(2030, 12, 31, 23, 5, 59, tzinfo=datetime.UTC),
             datetime.datetime(987, 1, 2, 3, 4, tzinfo=datetime.UTC)]
    for language in ("it", "en"):
        with translation.override(language):
            amount, short = _amount(), _short_datetime()
            assert [amount(a) for a in amounts] == [floatformat(a, "0g") for a in amounts]
            assert [short(t) for t in times] == [date_format(timezone.localtime(t), "SHORT_DATETIME_FORMAT")
                                                 for t in times]
    with translation.override("it"):
        assert _amount()(Decimal("1234567.50")) == "1.234.568"
