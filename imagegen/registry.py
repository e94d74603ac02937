"""Which backend runs a job: the builtin, or an admin-enabled server built from its saved settings.

Backend objects are cached per kind and rebuilt when an admin saves new settings (updated_at).
"""

from __future__ import annotations

import threading

from imagegen.backends import build_remote
from imagegen.base import N_, GenerationError
from models import backends as settings


class BackendRegistry:
    def __init__(self, builtin):
        self.builtin = builtin
        self._cache: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def for_name(self, conn, name: str):
        """The backend a job names; GenerationError (not retryable) when it is no longer enabled."""
        if name == self.builtin.name:
            return self.builtin
        row = settings.get(conn, name)
        if row is None or not row["enabled"]:
            raise GenerationError(N_("This image server has been switched off by an admin."), retryable=False,
                                  detail=f"backend {name!r} is not enabled")
        with self._lock:
            cached = self._cache.get(name)
            if cached and cached[0] == row["updated_at"]:
                return cached[1]
            try:
                backend = build_remote(name, settings.as_config(row))
            except ValueError as exc:
                raise GenerationError(N_("This image server is not set up correctly; an admin needs to check it."),
                                      retryable=False, detail=str(exc)) from None
            self._cache[name] = (row["updated_at"], backend)
            return backend
