"""The log's format: lines of text for a developer (LOG_FORMAT=text), or one JSON object a line for
the intranet's log collector (LOG_FORMAT=json, as the systemd units set).

Every line written while a request is served carries that request's id (RequestLogMiddleware in
targets/middleware.py: nginx's X-Request-ID, else one made up), so that the collector joins the
request's line with whatever was logged on the way (a Redis that did not answer, a failed email).
What a call passes in ``extra`` (the request line's user, path, status and duration_ms; a job's
job_id and outcome) becomes fields of the JSON object."""

import datetime
import json
import logging
from contextvars import ContextVar

# The id of the request being served in this thread or task, or None outside requests.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to each record (as ``request_id``) where the call gave none."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request's id,
    the fields given in ``extra``, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {
            name: value
            for name, value in vars(record).items()
            if name not in _STANDARD and value is not None
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
