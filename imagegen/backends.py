"""Pick the configured backend by name (tests may pass a ready backend object)."""

from __future__ import annotations

from imagegen.base import Backend


class UnknownBackend(Exception):
    pass


def load_backend(choice) -> Backend:
    if not isinstance(choice, str):
        return choice
    if choice == "builtin":
        from imagegen.builtin import BuiltinBackend

        return BuiltinBackend()
    raise UnknownBackend(f"unknown generation backend {choice!r} (available: builtin)")
