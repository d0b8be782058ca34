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
        parser.add_argument("--mixed", action="store_true",
                            help="Prepare the mixed load's writers (drafts, assessments to submit) and their sessions.")
        parser.add_argument("--restore-mixed", action="store_true",
                            help="Submit again the assessments the mixed load left in draft, and stop.")

    def handle(self, *args, scale, out, count_queries, sessions, force, mixed, restore_mixed, **options):
        def log(msg):
            self.stderr.write(msg)

        if restore_mixed:
            log(f"mixed load: {bench_seed.restore_mixed()} assessments submitted again")
            return

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
        bench_seed.restore_mixed()  # a mixed load that stopped halfway: the dataset as seeded
        drafts = bench_seed.ensure_drafts()  # at every scale: "my area" shows the same at both
        if count_queries:
            data["queries"] = bench_pages.count_queries(page_list)
        if mixed:  # after counting: the pages were measured on the dataset as seeded
            from tsf.accounts.models import User

            pool = bench_seed.prepare_mixed()
            assessors = User.objects.in_bulk({assessor for _url, assessor in pool})
            assessor_sessions = {pk: bench_pages.session_for(user) for pk, user in assessors.items()}
            data["mixed"] = {"drafts": drafts,
                             "submissions": [{"url": url, "session": assessor_sessions[assessor]}
                                             for url, assessor in pool]}
        text = json.dumps(data, indent=2, default=str)
        if out == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(out, "w") as fh:
                fh.write(text)
