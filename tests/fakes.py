"""Backends for tests: the real builtin wrapped to fail, to be slow, or to count calls."""

from __future__ import annotations

import threading
import time

from imagegen.base import GenerationError
from imagegen.builtin import BuiltinBackend


class WrappedBuiltin:
    name = "builtin"

    def __init__(self):
        self.inner = BuiltinBackend()
        self.calls = 0
        self.lock = threading.Lock()

    def styles(self):
        return self.inner.styles()

    def generate(self, request, progress):
        with self.lock:
            self.calls += 1
        return self.inner.generate(request, progress)


class FailingBackend(WrappedBuiltin):
    """Fails the first `failures` calls with a readable error, then works."""

    def __init__(self, failures: int, message: str = "The GPU server is not answering."):
        super().__init__()
        self.failures = failures
        self.message = message

    def generate(self, request, progress):
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.failures
        if failing:
            progress(0.1)
            raise GenerationError(self.message)
        return self.inner.generate(request, progress)


class CrashingBackend(WrappedBuiltin):
    def generate(self, request, progress):
        raise RuntimeError("boom")


class SlowBackend(WrappedBuiltin):
    """Sleeps at every progress step, so a job is visibly 'running' for a while."""

    def __init__(self, step_delay: float = 0.2):
        super().__init__()
        self.step_delay = step_delay

    def generate(self, request, progress):
        def slow(fraction):
            time.sleep(self.step_delay)
            progress(fraction)

        return super().generate(request, slow)
