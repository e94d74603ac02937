"""The generation worker: threads that take jobs from the generations table and run a backend.

Modelled on datasette's write thread: each thread owns its connection; all state lives in the
database, so a restart (or another thread) can always tell where a job stands.
"""

from __future__ import annotations

import logging
import threading
import time

from imagegen import account_export
from imagegen.base import Cancelled, GenerationError, GenerationRequest
from imagegen.media import store_image
from imagegen.registry import BackendRegistry
from models import account_exports, generations
from models import backends as backend_settings
from models.db import connect

log = logging.getLogger("easel.worker")

PROGRESS_WRITE_INTERVAL = 0.1  # seconds between progress writes; the card polls every second


class _Stopping(Exception):
    """The pool is shutting down: give the job back untouched."""


class WorkerPool:
    """N worker threads; started only by the serving process (or a test that asks)."""

    def __init__(self, app):
        self.app = app
        self.size = max(1, int(app.config["WORKERS"]))
        self.backend = app.extensions["easel_backend"]
        self.backends = BackendRegistry(self.backend)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._export_wake = threading.Event()
        self._threads: list[threading.Thread] = []
        # When a worker thread last showed it was alive (loop turn, idle wake, job progress): /healthz.
        self.heartbeat: float | None = None

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        conn = connect(self.app.config["DATABASE"])
        try:
            requeued = generations.requeue_abandoned(conn)
            exports_requeued = account_exports.requeue_abandoned(conn)
        finally:
            conn.close()
        if requeued:
            log.info("requeued %d generation(s) left running by an earlier stop", requeued)
        if exports_requeued:
            log.info("requeued %d account export(s) left running by an earlier stop", exports_requeued)
        for number in range(self.size):
            thread = threading.Thread(target=self._loop, name=f"easel-worker-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)
        # Account exports (issue 8) get a thread of their own, so a big zip never delays a picture.
        thread = threading.Thread(target=self._export_loop, name="easel-exports", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the threads to stop at the next step and wait for them."""
        self._stop.set()
        self._wake.set()
        self._export_wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def notify(self) -> None:
        """A job was queued: wake an idle thread now instead of at its next poll."""
        self._wake.set()

    def notify_export(self) -> None:
        """An account export was queued: start it now instead of at the next poll."""
        self._export_wake.set()

    def _export_loop(self) -> None:
        conn = connect(self.app.config["DATABASE"])
        try:
            while not self._stop.is_set():
                if not account_export.run_next(conn, self.app.config, self._stop.is_set):
                    self._export_wake.wait(5.0)
                    self._export_wake.clear()
        finally:
            conn.close()

    def _loop(self) -> None:
        conn = connect(self.app.config["DATABASE"])
        try:
            while not self._stop.is_set():
                self.heartbeat = time.time()
                job = generations.claim_next(conn)
                if job is None:
                    self._idle(conn)
                    continue
                self._run(conn, job)
        finally:
            conn.close()

    def _idle(self, conn) -> None:
        wait = 2.0
        next_at = generations.next_run_after(conn)
        if next_at is not None:
            wait = min(wait, max(0.05, next_at - time.time()))
        self._wake.wait(wait)
        self._wake.clear()

    def _run(self, conn, job) -> None:
        config = self.app.config
        request = GenerationRequest(
            prompt=job["prompt"], negative_prompt=job["negative_prompt"], seed=job["seed"],
            width=job["width"], height=job["height"], style=job["style"], count=job["count"],
        )
        last_write = 0.0
        last_note = ""

        def progress(fraction: float, note: str = "") -> None:
            nonlocal last_write, last_note
            if self._stop.is_set():
                raise _Stopping()
            self.heartbeat = time.time()
            moment = time.monotonic()
            if moment - last_write >= PROGRESS_WRITE_INTERVAL or fraction >= 1.0 or note != last_note:
                last_write, last_note = moment, note
                if not generations.set_progress(conn, job["id"], job["attempts"], min(1.0, fraction), note):
                    raise Cancelled()

        remote = job["backend"] != self.backend.name
        try:
            try:
                backend = self.backends.for_name(conn, job["backend"])
                result = backend.generate(request, progress)
            except GenerationError as exc:
                if not (remote and getattr(exc, "unreachable", False)):
                    raise
                backend_settings.set_health(conn, job["backend"], False, exc.detail or str(exc))
                if not backend_settings.falls_back(conn, job["backend"]):
                    raise
                # The admin allowed it: a server that is down hands the job to the builtin.
                log.info("generation %d: %s is down (%s), the builtin draws it", job["id"], job["backend"], exc.detail)
                result = self.backend.generate(request, progress)
                result.info = {**result.info, "fallback_from": job["backend"], "fallback_reason": str(exc)}
                generations.switch_backend(conn, job, self.backend.name)
                remote = False
            if len(result.images) != job["count"]:
                raise GenerationError(f"the generator made {len(result.images)} image(s) instead of {job['count']}")
            rows = []
            for position, image in enumerate(result.images):
                stored = store_image(image, config["MEDIA_DIR"])
                rows.append({**stored, "position": position, "seed": job["seed"] + position})
            if not generations.complete(conn, job, rows, result.info, result.version):
                log.info("generation %d changed while running; result dropped", job["id"])
            if remote:
                backend_settings.set_health(conn, job["backend"], True, "made a picture")
        except _Stopping:
            generations.release(conn, job)
        except Cancelled:
            pass
        except GenerationError as exc:
            self._failed(conn, job, str(exc), retryable=exc.retryable, detail=exc.detail)
        except Exception as exc:  # a bug or a broken backend must not kill the worker
            log.exception("generation %d failed", job["id"])
            self._failed(conn, job, f"The generator hit an internal error ({type(exc).__name__}).")

    def _failed(self, conn, job, message: str, retryable: bool = True, detail: str = "") -> None:
        status = generations.fail_attempt(
            conn, job, message, int(self.app.config["MAX_ATTEMPTS"]), float(self.app.config["RETRY_BACKOFF"]),
            retryable=retryable, detail=detail,
        )
        log.info("generation %d (%s) attempt %d failed (%s): %s%s", job["id"], job["backend"], job["attempts"],
                 status, message, f" [{detail}]" if detail else "")
