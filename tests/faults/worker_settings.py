"""Settings for a worker subprocess started by a fault test: the test settings, with tasks sent to
the real broker (REDIS_URL) and e-mails written slowly as files (EMAIL_URL=filemail:///dir).

TSF_FAULTS_VISIBILITY_TIMEOUT (seconds) makes the broker hand a killed worker's unacknowledged
message to another worker soon, instead of after an hour."""
import os

from tsf.test_settings import *  # noqa: F403
from tsf.test_settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.faults.backends.SlowFileBackend"
if os.environ.get("TSF_FAULTS_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(os.environ["TSF_FAULTS_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
# The test reads the worker's log to know that a task ran and what it returned.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "celery.app.trace": {"level": "INFO"}}}  # noqa: F405
