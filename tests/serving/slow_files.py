"""What the killed export worker's test runs the worker with: the project's settings, with files
kept by a storage that pauses before it names where a generated file goes (the worker has then
claimed the job and marked the file running, and not yet written it), so that the test can kill
the worker in the middle of the job."""

import time

from django.core.files.storage import FileSystemStorage

from plenum.settings import *  # noqa: F403
from plenum.settings import STORAGES

PAUSE_SECONDS = 3


class SlowStorage(FileSystemStorage):
    def path(self, name):
        if name.startswith("generated/"):
            time.sleep(PAUSE_SECONDS)
        return super().path(name)


STORAGES = {**STORAGES, "default": {"BACKEND": f"{__name__}.SlowStorage"}}
