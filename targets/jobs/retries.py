"""A job that fails is tried again later: the failed run stays in the queue's table as failed
(with its traceback, for the admin), and a new run is queued with the attempt's number after a
pause that doubles each time (JOB_RETRY_SECONDS, then twice that...), JOB_ATTEMPTS runs in all."""

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

Hook = Callable[..., None]


def retrying[R](
    *, again: Hook | None = None, given_up: Hook | None = None
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Under ``@task``: the job takes its arguments by keyword, and ``attempt`` (1 for the first
    run) besides. ``again`` and ``given_up`` are called with the job's arguments when a failed
    run is queued again, and when the last one fails."""

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(function)
        def run(*, attempt: int = 1, **kwargs: Any) -> R:
            try:
                return function(**kwargs)
            except Exception:
                task: Task = import_string(f"{function.__module__}.{function.__qualname__}")
                if attempt < settings.JOB_ATTEMPTS:
                    pause = settings.JOB_RETRY_SECONDS * 2 ** (attempt - 1)
                    later = timezone.now() + datetime.timedelta(seconds=pause)
                    task.using(run_after=later).enqueue(attempt=attempt + 1, **kwargs)
                    log.warning(
                        "job %s failed (attempt %d), again in %d s", task.name, attempt, pause
                    )
                    if again:
                        again(**kwargs)
                else:
                    log.error("job %s failed %d times: given up", task.name, attempt)
                    if given_up:
                        given_up(**kwargs)
                raise

        return run

    return decorate
