"""Fill the kept ranking (RankingEntry) of the existing rounds from their assessments.

A frozen copy of `assessment.selectors.figures` on the historical models (a migration does not
import the app's code, which may change later); `manage.py rebuild_rankings` does the same with
the current code."""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum

TWO = Decimal("0.01")


def fill(apps, schema_editor):
    AssessmentRound = apps.get_model("assessment", "AssessmentRound")
    Assignment = apps.get_model("assessment", "Assignment")
    Criterion = apps.get_model("assessment", "Criterion")
    RankingEntry = apps.get_model("assessment", "RankingEntry")
    Score = apps.get_model("assessment", "Score")
    weighted = ExpressionWrapper(F("value") * F("criterion__weight"),
                                 output_field=DecimalField(max_digits=14, decimal_places=4))
    for rnd in AssessmentRound.objects.order_by("pk"):
        crit = Criterion.objects.filter(round=rnd).order_by("-weight", "order", "pk").first()
        scored = {
            aid: (total, top) for aid, total, top in
            Score.objects.filter(criterion__round=rnd, value__isnull=False).order_by().values_list("assignment_id")
            .annotate(total=Sum(weighted), top=Sum("value", filter=Q(criterion=crit)))
        }
        assigned, submitted = defaultdict(int), defaultdict(int)
        totals, sums, top_sums, top_ns = defaultdict(list), defaultdict(Decimal), defaultdict(Decimal), defaultdict(int)
        for pk, proposal_id, status in Assignment.objects.filter(round=rnd).order_by("pk").values_list(
                "pk", "proposal_id", "status"):
            assigned[proposal_id] += 1
            if status != "submitted":
                continue
            submitted[proposal_id] += 1
            if pk in scored:
                total, top = scored[pk]
                sums[proposal_id] += total
                totals[proposal_id].append((pk, total.quantize(TWO, ROUND_HALF_UP)))
                if top is not None:
                    top_sums[proposal_id] += top
                    top_ns[proposal_id] += 1
        entries = []
        for proposal_id in sorted(assigned):
            values = [t for _pk, t in totals[proposal_id]]
            combined = spread = top = None
            if values:
                if rnd.combine == "median":
                    s, n = sorted(values), len(values)
                    combined = (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2).quantize(TWO, ROUND_HALF_UP)
                else:
                    combined = (Decimal(sums[proposal_id]) / len(values)).quantize(TWO, ROUND_HALF_UP)
                spread = max(values) - min(values)
            if top_ns[proposal_id]:
                top = (Decimal(top_sums[proposal_id]) / top_ns[proposal_id]).quantize(TWO, ROUND_HALF_UP)
            entries.append(RankingEntry(
                round=rnd, proposal_id=proposal_id, combined=combined, top_criterion=top, spread=spread,
                disputed=len(values) > 1 and spread > rnd.disagreement_threshold,
                assigned=assigned[proposal_id], submitted=submitted[proposal_id],
                totals=[[pk, str(t)] for pk, t in totals[proposal_id]]))
        RankingEntry.objects.filter(round=rnd).delete()
        RankingEntry.objects.bulk_create(entries, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [("assessment", "0004_ranking_entry")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
