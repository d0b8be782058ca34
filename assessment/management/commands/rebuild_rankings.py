from django.core.management.base import BaseCommand

from assessment import services


class Command(BaseCommand):
    help = ("Write again every round's kept ranking (assessment.RankingEntry) from its assessments: after data "
            "written around the services (a bulk load, a fix in the shell).")

    def handle(self, *args, **options):
        n = services.rebuild_all_rankings()
        self.stdout.write(f"{n} rounds ranked again.")
