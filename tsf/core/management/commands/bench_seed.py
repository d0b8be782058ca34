"""Seed the benchmark's dataset (if this database does not hold it yet), open the sessions of the
measured roles and count each page's queries; write everything as JSON for `python -m tsf.bench`."""
import json
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from tsf.bench import pages as bench_pages
from tsf.bench import seed as bench_seed


class Command(BaseCommand):
    help = "Seed the benchmark's scale dataset and describe its pages (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 proposals; 0.01 = 100.")
        parser.add_argument("--out", default="-", help="Where to write the JSON (- for stdout).")
        parser.add_argument("--count-queries", action="store_true")
        parser.add_argument("--sessions", action="store_true", help="Open a session for each logged-in role.")
        parser.add_argument("--force", action="store_true", help="Empty the database and seed again.")

    def handle(self, *args, scale, out, count_queries, sessions, force, **options):
        def log(msg):
            self.stderr.write(msg)

        if force or not bench_seed.is_seeded(scale):
            call_command("flush", interactive=False, verbosity=0)
            bench_seed.seed(scale, log=log)
            with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give them
                cursor.execute("ANALYZE")
        else:
            log(f"scale {scale:g} already seeded")
        page_list = bench_pages.pages()
        data = {"scale": scale, "counts": bench_seed.counts(scale), "pages": bench_pages.as_json(page_list)}
        if sessions:
            data["sessions"] = {role: bench_pages.session_for(user)
                                for role, user in bench_pages.users_by_role().items()}
        if count_queries:
            data["queries"] = bench_pages.count_queries(page_list)
        text = json.dumps(data, indent=2, default=str)
        if out == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(out, "w") as fh:
                fh.write(text)
