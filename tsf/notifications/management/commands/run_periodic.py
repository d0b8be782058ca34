"""Run the periodic jobs of Celery beat's schedule (settings.CELERY_BEAT_SCHEDULE: the deadline
engine's reminders and escalations, the re-send of pending e-mails) where no beat runs.

`make run` without Redis starts `run_periodic --every 60` beside the development server, so the
demo sends its reminders. Without --every the jobs run once. Each job reads what is due from the
database and records what it sent, so running them more often than beat, twice, or late neither
loses nor doubles a message."""
import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def periodic_jobs():
    """(name, callable) for each entry of beat's schedule, in its order."""
    return [(name, import_string(entry["task"])) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()]


def run_once() -> dict:
    """Run every periodic job once, in this process; a job that fails is logged and the others run.
    Returns each job's result (what it sent), None for a job that failed."""
    from tsf.core import heartbeat

    heartbeat.record(heartbeat.BEAT)  # it stands in for beat: /healthz reads when the jobs last ran
    results = {}
    for name, job in periodic_jobs():
        try:
            results[name] = job()  # a Celery task called directly runs here, synchronously
        except Exception:
            logger.exception("Periodic job %s failed", name)
            results[name] = None
    return results


class Command(BaseCommand):
    help = ("Run Celery beat's periodic jobs (deadline reminders, e-mail re-sends) in this process: once, "
            "or every N seconds with --every N (for installations without Redis, such as make run).")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="run the jobs again every SECONDS until stopped (default: once)")

    def handle(self, *args, every=0, **options):
        if every < 0:
            raise CommandError("--every must be a number of seconds, 0 or more")
        stopping = []
        if every:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
            self.stdout.write(f"Periodic jobs ({', '.join(n for n, _ in periodic_jobs())}) every {every} s; "
                              "stop with Ctrl-C")
        try:
            while True:
                started = time.monotonic()
                if every:
                    close_old_connections()  # a long-running process: no connection kept past its age
                results = run_once()
                if options["verbosity"] > 1 or not every or any(results.values()):
                    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
                    done = ", ".join(f"{name}: {'failed' if r is None else r}" for name, r in results.items())
                    self.stdout.write(f"{stamp} {done}", self.style.SUCCESS if None not in results.values()
                                      else self.style.ERROR)
                    self.stdout.flush()  # the log file (make run) shows each run as it happens
                if not every:
                    return
                while not stopping and time.monotonic() - started < every:
                    time.sleep(min(1.0, every))
                if stopping:
                    return
        except KeyboardInterrupt:
            return
