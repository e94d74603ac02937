"""The one small interface every generation backend speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from PIL import Image

# Size presets a member may pick (DESIGN.md: URL contract for POST /generations).
SIZES = {"512x512": (512, 512), "768x512": (768, 512), "512x768": (512, 768)}

# progress(fraction 0..1, note=""): the note is what a remote server says ("number 3 in the queue").
ProgressCallback = Callable[..., None]


def N_(message: str) -> str:
    """Mark a member-facing message for the catalogue (translations/); the studio card translates it
    when it shows it (the worker has no reader and stores the English text)."""
    return message


class GenerationError(Exception):
    """A failure a member can read (shown on the studio card).

    `retryable` says whether trying again can help (a busy or unreachable server) or not (bad
    credentials, a broken image); `detail` is for the log and the admin page, never for members.
    """

    def __init__(self, message: str, *, retryable: bool = True, detail: str = ""):
        super().__init__(message)
        self.retryable = retryable
        self.detail = detail


class Cancelled(Exception):
    """Raised from a progress callback to stop a job between steps."""


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    style: str
    count: int = 1


@dataclass
class GenerationResult:
    images: list[Image.Image]
    # What the backend made of the prompt, e.g. {"understood": [...], "ignored": [...]}.
    info: dict = field(default_factory=dict)
    # Version of the generator, stored so old posts can be reproduced later.
    version: str = ""


class Backend(Protocol):
    name: str

    def styles(self) -> list[tuple[str, str]]:
        """The (key, label) styles this backend offers, default first."""

    def generate(self, request: GenerationRequest, progress: ProgressCallback) -> GenerationResult:
        """Make request.count images; call progress(0..1) between real steps."""
