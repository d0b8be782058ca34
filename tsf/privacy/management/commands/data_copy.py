"""Answer a request for a copy of one's data that came by letter, PEC or e-mail (README "Personal data"):
the same ZIP as "My data", written to a file for staff to send, and the request logged."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tsf.core import audit
from tsf.privacy import services
from tsf.privacy.models import DataRequest


class Command(BaseCommand):
    help = "Write the copy of a person's data (ZIP: riepilogo.html, dati.json, files) and log the request."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the e-mail address the person signs in with")
        parser.add_argument("--output", help="where to write the ZIP (default: ./dati-<email>.zip)")
        parser.add_argument("--channel", default="pec", choices=["pec", "email", "letter"],
                            help="how the request arrived (default: pec)")
        parser.add_argument("--note", default="", help="how the request arrived (e.g. 'PEC prot. 1234 del 2/12')")

    def handle(self, email, output=None, note="", channel="pec", **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the address {email}")
        path = Path(output or f"dati-{user.email}.zip")
        path.write_bytes(services.build_archive(user))
        DataRequest.objects.create(user=user, person=str(user), kind=DataRequest.Kind.ACCESS,
                                   status=DataRequest.Status.COMPLETED, note=note, channel=channel,
                                   completed_at=timezone.now(),
                                   outcome=f"Copy written by staff to {path.name}")
        audit.record(None, "privacy.copy_ready", user, note=note)
        self.stdout.write(self.style.SUCCESS(f"Written {path} ({path.stat().st_size} bytes); the request is logged."))
