"""A mail backend for the fault tests: it announces that it is sending (a marker file named after
the process), takes its time on the first attempt (TSF_FAULTS_SEND_SECONDS), then writes the
message as a file. Killing the process during the pause is "the worker killed in the middle of
sending"; a later attempt (after a marker exists) does not pause, to keep the tests short."""
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class SlowFileBackend(FileBackend):
    def send_messages(self, email_messages):
        marker_dir = os.environ.get("TSF_FAULTS_MARKER_DIR")
        first_attempt = True
        if marker_dir:
            first_attempt = not any(Path(marker_dir).iterdir())
            Path(marker_dir, f"{os.getpid()}-{uuid.uuid4().hex}").write_text(
                "\n".join(m.subject for m in email_messages)
            )
        if first_attempt:
            time.sleep(float(os.environ.get("TSF_FAULTS_SEND_SECONDS", "3")))
        return super().send_messages(email_messages)
