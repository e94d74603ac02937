"""A daemon thread that can be started, woken and stopped: the delivery queue and the remote-media cache."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod


class BackgroundThread(ABC):
    """Subclasses give the thread's name and its `_loop`, which returns once `_stop` is set."""

    thread_name = "easel-background"

    def __init__(self):
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def notify(self) -> None:
        """Work arrived: run the loop now instead of at its next timeout."""
        self._wake.set()

    @abstractmethod
    def _loop(self) -> None:
        """The thread's work: wait on `_wake` (with a timeout), do what is due, until `_stop` is set."""
