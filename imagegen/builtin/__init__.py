"""The builtin backend: a procedural illustrator that composes a scene from the prompt with Pillow."""

from __future__ import annotations

import random

from imagegen.base import GenerationError, GenerationRequest, GenerationResult, ProgressCallback

from . import moods, paint_land, paint_near, paint_sky, paint_temples, paint_things
from .parse import parse_prompt, removed_concepts
from .scene import Plan, build_plan, digest
from .sketch import Sketch
from .styles import STYLE_CLASSES

__all__ = ["BuiltinBackend", "STYLES", "parse_prompt", "render_image"]

STYLES: list[tuple[str, str]] = [(cls.key, cls.label) for cls in STYLE_CLASSES]
_BY_KEY = {cls.key: cls for cls in STYLE_CLASSES}
_GROUND = {"lake", "river", "road", "field", "meadow", "garden", "beach", "waves", "dunes", "desert", "ocean",
           "rice_terraces"}
_FAR = {"mountains": paint_land.mountains, "hills": paint_land.hills, "volcano": paint_land.volcano,
        "forest": paint_land.forest, "city": paint_land.city, "skyline": paint_land.city,
        "waterfall": paint_land.waterfall, "island": paint_land.island}


def _painter(concept: str):
    if concept in _FAR:
        return _FAR[concept]
    if concept in _GROUND:
        return paint_land.ground_feature
    for module in (paint_sky, paint_near, paint_temples, paint_things):
        fn = getattr(module, concept, None)
        if fn is not None:
            return fn
    raise KeyError(concept)


def sketch_plan(plan: Plan, seed: int) -> Sketch:
    """Turn a scene plan into primitives, group by group."""
    sk = Sketch(plan.w, plan.h)
    rng = random.Random(seed)
    mood_rng = random.Random(digest("moods", seed, *plan.moods))
    sk.group, sk.depth = "sky", 0.0
    paint_sky.background(sk, plan, rng)
    sky_done = far_done = mid_done = False
    sk.group, sk.depth = "far", 0.45
    paint_land.plane(sk, plan, rng)
    for it in plan.items:
        if not sky_done and it.group != "sky":
            sky_done = True
            sk.group, sk.depth = "far", 0.1
            moods.after_sky(sk, plan, mood_rng)
        if not far_done and it.group in ("near", "details"):
            far_done = True
            sk.group, sk.depth = "far", 0.5
            moods.after_far(sk, plan, mood_rng)
        if not mid_done and it.group in ("near", "details") and it.depth > 0.72:
            mid_done = True
            sk.group, sk.depth = "near", 0.72
            moods.between_near(sk, plan, mood_rng, 0.72)
        sk.group, sk.depth = it.group, it.depth
        _painter(it.concept)(sk, it, plan, random.Random(it.seed))
    sk.group, sk.depth = "details", 1.0
    if not sky_done:
        moods.after_sky(sk, plan, mood_rng)
    if not far_done:
        moods.after_far(sk, plan, mood_rng)
    moods.finish(sk, plan, mood_rng)
    return sk


def render_image(plan: Plan, style: str, seed: int, step=None):
    """Render a plan in a style; step() is called after each real step."""
    sk = sketch_plan(plan, seed)
    renderer = _BY_KEY[style](plan, digest("style", style, seed))
    for group in Sketch.GROUPS:
        renderer.draw(group, sk.groups[group])
        if step:
            step()
    im = renderer.finish()
    return im.convert("RGB") if im.mode != "RGB" else im


class BuiltinBackend:
    """Draws pictures from prompts with Pillow alone: deterministic, fast, offline."""

    name = "builtin"
    VERSION = "builtin-3"

    def styles(self) -> list[tuple[str, str]]:
        """The (key, label) styles, default first."""
        return list(STYLES)

    def generate(self, request: GenerationRequest, progress: ProgressCallback) -> GenerationResult:
        """Make request.count images; image i uses seed request.seed + i."""
        if request.style not in _BY_KEY:
            known = ", ".join(k for k, _ in STYLES)
            raise GenerationError(f"Unknown style {request.style!r}; choose one of: {known}.")
        parsed = parse_prompt(request.prompt)
        removed, removed_moods, _ = removed_concepts(request.negative_prompt or "")
        if removed_moods:
            parsed.moods = [m for m in parsed.moods if m not in removed_moods]
        text_key = " ".join(request.prompt.lower().split()) + "\x1e" + " ".join(request.negative_prompt.lower().split())
        total = max(1, request.count) * 6
        done = 0
        images = []

        def step():
            nonlocal done
            done += 1
            progress(min(1.0, done / total))

        for i in range(max(1, request.count)):
            seed = request.seed + i
            plan = build_plan(parsed, removed, seed, request.width, request.height, text_key)
            step()  # layout
            images.append(render_image(plan, request.style, seed, step))  # sky, far, near, details
            step()  # finish
        info = {
            "understood": parsed.labels(removed),
            "ignored": list(parsed.unknown),
            "style": request.style,
        }
        return GenerationResult(images=images, info=info, version=self.VERSION)
