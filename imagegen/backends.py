"""Pick a backend: the builtin by name (tests may pass a ready object), or a remote kind with settings."""

from __future__ import annotations

from imagegen.base import Backend


class UnknownBackend(Exception):
    pass


def remote_kinds() -> dict:
    """The HTTP backends an admin can enable, by kind, in the order the admin page lists them."""
    from imagegen.a1111 import A1111Backend
    from imagegen.comfyui import ComfyUIBackend
    from imagegen.horde import HordeBackend
    from imagegen.openai_images import OpenAIImagesBackend

    return {cls.kind: cls for cls in (A1111Backend, ComfyUIBackend, OpenAIImagesBackend, HordeBackend)}


def load_backend(choice) -> Backend:
    if not isinstance(choice, str):
        return choice
    if choice == "builtin":
        from imagegen.builtin import BuiltinBackend

        return BuiltinBackend()
    raise UnknownBackend(f"unknown generation backend {choice!r} (available: builtin)")


def build_remote(kind: str, config: dict):
    """A remote backend object from its settings (url, secret, model, timeout, steps, sizes, ...)."""
    try:
        cls = remote_kinds()[kind]
    except KeyError:
        raise UnknownBackend(f"unknown generation backend {kind!r}") from None
    return cls(config)
