"""What the HTTP backends share: their settings, the styles list, and waiting on a blocking call."""

from __future__ import annotations

import abc
import logging
import threading
import time
from typing import Callable

from imagegen.base import N_, SIZES, GenerationError, ProgressCallback
from imagegen.http import MAX_PIXELS, check_url

log = logging.getLogger("easel.backends")


class RemoteBackend(abc.ABC):
    """Base for the servers Easel talks to; `config` comes from the admin page or EASEL_BACKENDS.

    Keys: url, secret (API key, or user:password for HTTP Basic), model, timeout (seconds for a
    whole job), steps, sizes (allowed presets), workflow (ComfyUI), poll (seconds between polls).
    """

    kind = ""
    label = ""
    default_url = ""
    default_poll = 0.5

    def __init__(self, config: dict):
        self.name = self.kind
        self.url = check_url(config.get("url") or self.default_url)
        self.secret = config.get("secret") or ""
        self.model = config.get("model") or ""
        self.timeout = float(config.get("timeout") or 300)
        self.steps = int(config.get("steps") or 20)
        self.sizes = [size for size in (config.get("sizes") or list(SIZES)) if size in SIZES] or list(SIZES)
        self.poll = float(config.get("poll") or self.default_poll)
        self.max_pixels = int(config.get("max_pixels") or MAX_PIXELS)
        self.workflow = config.get("workflow") or ""

    def styles(self) -> list[tuple[str, str]]:
        # The composer's styles are the builtin's; remote servers draw in their model's own manner.
        from imagegen.builtin import STYLES

        return STYLES

    @property
    def version(self) -> str:
        return f"{self.kind}:{self.model}" if self.model else self.kind

    @abc.abstractmethod
    def health(self) -> str:
        """A real call that proves the server answers; returns a short description."""

    def call_timeout(self) -> float:
        """Socket timeout of a blocking call: a little over the job's budget, so wait_for's own
        deadline (which also tells the server to stop) comes first."""
        return min(self.timeout + 5.0, 605.0)


def wait_for(call: Callable[[], object], progress: ProgressCallback, *, poll: Callable[[], object],
             cancel: Callable[[], None], timeout: float, interval: float) -> object:
    """Run a blocking call in a thread; meanwhile poll for progress and report it.

    `poll()` answers a fraction, None (nothing known), or (fraction, note) with words for the card.
    When the progress callback raises (the job was cancelled, or the worker is stopping) or the
    time is up, `cancel()` tells the server to stop before the exception goes on.
    """
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="easel-remote-call", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    last = 0.0
    try:
        while True:
            thread.join(interval)
            if not thread.is_alive():
                break
            if time.monotonic() > deadline:
                raise GenerationError(N_("The image server took too long to make the picture."),
                                      detail=f"no answer within {timeout:.0f} s")
            fraction, note = _split(poll())
            if fraction is not None:
                last = max(last, min(0.95, fraction))
            if note:
                progress(last, note)
            else:
                progress(last)
    except BaseException:
        quietly(cancel)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _split(polled) -> tuple[float | None, str]:
    return polled if isinstance(polled, tuple) else (polled, "")


def quietly(cancel: Callable[[], None]) -> None:
    try:
        cancel()
    except GenerationError as exc:
        log.info("could not tell the image server to stop: %s", exc.detail or exc)
