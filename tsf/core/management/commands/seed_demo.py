"""Create the 2018 edition of Torino Social Factory as demo data. Running it twice changes nothing.

Each stage adds its part in `<app>/demo.py` with a `seed(ctx)` function; they run in the
pipeline's order.
"""
import importlib
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

SEEDERS = [
    "tsf.accounts.demo",
    "calls.demo",
    "projects.demo",
    "assessment.demo",
    "projects.demo_public",
    "incubation.demo",
    "grants.demo",
    "acceleration.demo",
    "blog.demo",
    "tsf.privacy.demo",
]


class Command(BaseCommand):
    help = "Create the demo data of the 2018 edition (only with DEBUG on, or with --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG off: it would put demo data in production. "
                               "Use --force if you really mean it.")
        from tsf.accounts.demo import DEMO_PASSWORD

        ctx = SimpleNamespace(users={}, accounts=[], stdout=self.stdout, style=self.style, data={})
        for name in SEEDERS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"  seeded {name.split('.')[-2] if name.count('.') > 1 else name.split('.')[0]}")
        self.stdout.write(self.style.SUCCESS(f"\nDemo data ready. Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for email, roles, secret in ctx.accounts:
            line = f"  {email:<26} {roles}"
            if secret:
                line += f"\n  {'':<26} TOTP secret (base32, add it to an authenticator app): {secret}"
            self.stdout.write(line)
