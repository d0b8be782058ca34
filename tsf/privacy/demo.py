"""Demo data for the data-rights log ("Richieste sui dati personali"): a copy asked for in the portal
and completed, a copy asked for by PEC and recorded by staff, so the staff screen shows both channels.
Running it twice changes nothing (one row per person, request and channel)."""
import datetime

from django.utils import timezone

from tsf.accounts.models import User

from .models import DataRequest


def seed(ctx):
    staff = ctx.users.get("staff@example.org") or User.objects.with_role("staff").first()
    now = timezone.now()
    rows = [
        ("promoter@example.org", DataRequest.Channel.PORTAL, None, "",
         "Copia preparata e scaricata dalla persona dall'area personale.", 40),
        ("nonfunded@example.org", DataRequest.Channel.PEC, staff, "PEC prot. 2026/0412 del 3 novembre 2026",
         "Copia inviata per PEC il giorno stesso.", 33),
    ]
    for email, channel, recorded_by, note, outcome, days_ago in rows:
        user = ctx.users.get(email) or User.objects.filter(email=email).first()
        if user is None:
            continue
        when = now - datetime.timedelta(days=days_ago)
        DataRequest.objects.get_or_create(
            user=user, kind=DataRequest.Kind.ACCESS, channel=channel,
            defaults={"person": user.full_name or user.email, "status": DataRequest.Status.COMPLETED,
                      "recorded_by": recorded_by, "note": note, "outcome": outcome, "requested_at": when,
                      "decided_by": recorded_by, "completed_at": when + datetime.timedelta(hours=2)})
