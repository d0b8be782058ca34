"""The assessment's staff tables export as CSV and XLSX: the assignments, the progress per
assessor and the conflicts of interest, in a fixed number of queries."""
import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import ConflictDeclaration
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    make_criteria,
    make_proposal,
    submit_scores,
)


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _round_with(n, assessors):
    rnd = RoundFactory()
    make_criteria(rnd)
    add_committee(rnd, assessors)
    ps = [make_proposal(rnd.call) for _ in range(n)]
    for i, p in enumerate(ps):
        submit_scores(assign_cleared(rnd, p, assessors[0]), [7, 6, 5])
        assign_cleared(rnd, p, assessors[1])
        ConflictDeclaration.objects.create(round=rnd, proposal=p, assessor=assessors[2], has_conflict=True,
                                           reason=f"Consulente dell'ente {i}")
    return rnd, ps


def test_assignments_progress_and_conflicts_export(client, staff_user, assessors):
    rnd, ps = _round_with(2, assessors)
    unassigned = make_proposal(rnd.call)
    client.force_login(staff_user)
    page = client.get(reverse("assessment:assignments", kwargs={"pk": rnd.pk})).content.decode()
    assert "format=csv" in page and "format=xlsx" in page
    rows = _csv(client.get(reverse("assessment:assignments", kwargs={"pk": rnd.pk}), {"format": "csv"}))
    assert rows[0] == ["Protocol", "Title", "Organisation", "Assessor", "Status", "Submitted at"]
    assert len(rows) == 1 + 4 + 1  # two assignments per proposal, and the proposal nobody has
    assert [r for r in rows if r[0] == unassigned.protocol_number][0][3] == ""
    assert {r[4] for r in rows[1:5]} == {"Submitted", "Draft"}
    round_url = reverse("assessment:round", kwargs={"pk": rnd.pk})
    page = client.get(round_url).content.decode()
    assert "table=progress&amp;format=csv" in page and "table=conflicts&amp;format=xlsx" in page
    rows = _csv(client.get(round_url, {"table": "progress", "format": "csv"}))
    assert rows[0][:3] == ["Assessor", "E-mail", "Assigned"]
    by_email = {r[1]: r for r in rows[1:]}
    assert by_email[assessors[0].email][2:5] == ["2", "2", "0"] and by_email[assessors[2].email][5] == "2"
    sheet = load_workbook(io.BytesIO(client.get(round_url, {"table": "progress", "format": "xlsx"}).content)).active
    assert {row[2].value for row in sheet.iter_rows(min_row=2)} == {2, 0}  # numbers, not text
    rows = _csv(client.get(round_url, {"table": "conflicts", "format": "csv"}))
    assert rows[0][:3] == ["Assessor", "E-mail", "Protocol"]
    assert [r[4] for r in rows[1:]] == ["Consulente dell'ente 0", "Consulente dell'ente 1"]


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_assessment_exports_query_count_is_flat(client, staff_user, assessors):
    client.force_login(staff_user)
    counts = []
    for n in (2, 25):
        rnd, _ps = _round_with(n, assessors)
        client.get(reverse("assessment:round", kwargs={"pk": rnd.pk}))
        counts.append([
            _queries(client, reverse("assessment:assignments", kwargs={"pk": rnd.pk}), {"format": "csv"}),
            _queries(client, reverse("assessment:round", kwargs={"pk": rnd.pk}), {"table": "progress", "format": "csv"}),
            _queries(client, reverse("assessment:round", kwargs={"pk": rnd.pk}), {"table": "conflicts", "format": "csv"}),
        ])
    assert counts[0] == counts[1]
