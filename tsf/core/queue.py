"""Handing a job to the Celery worker, written once for every app.

If the broker does not answer, the page that asked still answers normally: the job stays to be done
(a pending row, a missing copy) and the periodic task that looks for what is pending does it later.
Call it after commit (`transaction.on_commit(lambda: offer(task, pk))`), so that a change rolled back
queues nothing."""
import logging

logger = logging.getLogger(__name__)


def offer(task, *args) -> bool:
    """`task.delay(*args)`; False (and a warning in the log) when the broker is unreachable."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker failure leaves the job to the periodic pass
        logger.warning("Broker unreachable: %s%r waits for the periodic pass", task.name, args, exc_info=True)
        return False
    return True
