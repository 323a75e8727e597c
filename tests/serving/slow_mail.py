"""What the killed worker's test runs the worker with: the project's settings, with emails written
to files (one per connection, in MAIL_DIR) after a pause before each message, so that the test
can kill the worker between two messages."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend

from plenum.settings import *  # noqa: F403

PAUSE_SECONDS = 1.5


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(PAUSE_SECONDS)
        return super().send_messages(email_messages)


MAILERS = {
    "default": {
        "BACKEND": f"{__name__}.SlowFileBackend",
        "OPTIONS": {"file_path": os.environ["MAIL_DIR"]},
    }
}
