"""An uploaded file checked and shown for confirmation, kept between the two requests."""

import uuid

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest

FOLDER = "imports"  # in the media storage; the daily clear_pending_uploads empties what is stale


class PendingUpload:
    """An upload checked and shown for confirmation, kept in the media storage (shared by every
    app server) and named in the user's session until it is confirmed or discarded."""

    def __init__(self, key: str):
        self.key = key

    def keep(self, request: HttpRequest, upload) -> str:
        self.forget(request)
        token = uuid.uuid4().hex
        upload.seek(0)
        path = default_storage.save(f"{FOLDER}/{token}.xlsx", upload)
        request.session[self.key] = {"token": token, "path": path}
        return token

    def open(self, request: HttpRequest, token: str):
        """The kept file named by ``token`` in this user's session; 404 for any other."""
        pending = request.session.get(self.key, {})
        if not token or pending.get("token") != token:
            raise Http404
        return default_storage.open(pending["path"], "rb")

    def forget(self, request: HttpRequest) -> None:
        pending = request.session.pop(self.key, None)
        if pending:
            default_storage.delete(pending["path"])
