"""Close an account on a request that came by letter, PEC or e-mail (README "Personal data"), as the
staff member who checked it: the same steps as confirming a request in Data requests, audited."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from tsf.privacy import services
from tsf.privacy.models import DataRequest


class Command(BaseCommand):
    help = "Close a person's account (what must be kept is kept, pseudonymised) on behalf of a staff member."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the e-mail address the person signs in with")
        parser.add_argument("--by", required=True, help="the e-mail address of the staff member who decided")
        parser.add_argument("--channel", default="pec", choices=["pec", "email", "letter"],
                            help="how the request arrived (default: pec)")
        parser.add_argument("--note", default="", help="how the request arrived, and anything to record")

    def handle(self, email, by, note="", channel="pec", **options):
        users = get_user_model().objects
        person = users.filter(email__iexact=email.strip(), is_active=True).first()
        officer = users.filter(email__iexact=by.strip()).first()
        if person is None or officer is None:
            raise CommandError("Unknown or already closed account, or unknown staff member")
        req = services.pending_erasure(person) or DataRequest.objects.create(
            user=person, person=str(person), kind=DataRequest.Kind.ERASURE, note=note, channel=channel)
        try:
            services.confirm_erasure(req, by=officer, note=note)
        except (PermissionDenied, services.PrivacyError) as exc:
            raise CommandError(str(exc)) from exc
        person.refresh_from_db()
        self.stdout.write(self.style.SUCCESS(f"Closed: the account is now {person.full_name}; request logged."))
