"""Composition rules on top of the planner: a focal subject, supporting elements, and placement words.

Placement ("over the lake", "di bawah pohon", "left of the tower") moves the placed items relative to
the items of the reference subject, using a rough box for each concept (extent()).
"""

from __future__ import annotations

import random

from .parse import Subject
from .vocabulary import SUBJECTS

# concept -> (half-width, height above the anchor, depth below it), in units of item.s.
# Near and water things are anchored at their base; air and sky things at their centre.
_BOX = {
    "tree": (0.4, 0.95, 0), "pine": (0.3, 1.0, 0), "palm": (0.45, 1.0, 0), "sakura": (0.4, 0.95, 0),
    "bamboo": (0.35, 1.0, 0), "cactus": (0.3, 1.0, 0), "house": (0.62, 1.0, 0), "village": (2.2, 1.0, 0),
    "castle": (0.6, 1.25, 0), "temple": (0.45, 1.05, 0), "pagoda": (0.4, 1.05, 0), "mosque": (0.55, 0.95, 0),
    "tower": (0.2, 1.0, 0), "lighthouse": (0.15, 1.0, 0), "windmill": (0.45, 1.12, 0), "bridge": (0.66, 0.36, 0),
    "tent": (0.6, 0.7, 0), "campfire": (0.5, 1.1, 0), "cat": (0.65, 0.75, 0), "dog": (0.7, 0.75, 0),
    "deer": (0.55, 1.25, 0), "rabbit": (0.45, 1.2, 0), "owl": (0.5, 1.2, 0), "car": (0.75, 0.7, 0),
    "train": (1.7, 0.75, 0), "rocks": (1.0, 0.8, 0), "mushroom": (0.5, 1.0, 0), "flowers": (0.5, 2.2, 0),
    "grass": (0.5, 1.0, 0), "boat": (0.6, 0.5, 0.05), "sailboat": (0.45, 1.0, 0.03), "whale": (0.9, 0.45, 0),
    "fish": (0.85, 0.75, 0), "balloon": (0.5, 0.55, 1.0), "kite": (0.45, 0.6, 0.7), "bird": (1.0, 0.6, 0.1),
    "butterfly": (0.8, 0.65, 0.5), "lantern": (0.35, 0.5, 0.5), "rocket": (0.35, 0.6, 1.2),
    "sun": (1.0, 1.0, 1.0), "moon": (1.0, 1.0, 1.0), "clouds": (1.1, 0.5, 0.2), "comet": (1.0, 0.2, 0.2),
    "planet": (2.8, 1.4, 1.4),
}
# The size (in units of min(w, h)) a subject gets when it is the one thing the picture is about.
FOCAL_SIZE = {
    "cat": 0.24, "dog": 0.24, "rabbit": 0.17, "owl": 0.2, "deer": 0.3, "butterfly": 0.11, "bird": 0.07,
    "fish": 0.13, "tent": 0.32, "campfire": 0.14, "flowers": 0.06, "mushroom": 0.16, "house": 0.34,
    "boat": 0.28, "sailboat": 0.4, "whale": 0.4, "balloon": 0.17, "kite": 0.13, "lantern": 0.07,
    "car": 0.2, "rocks": 0.12, "cactus": 0.38, "tree": 0.45, "pine": 0.5, "palm": 0.48, "sakura": 0.48,
    "windmill": 0.5, "temple": 0.58, "pagoda": 0.6, "tower": 0.6, "lighthouse": 0.62, "castle": 0.5,
    "mosque": 0.5, "rocket": 0.16, "train": 0.16, "bamboo": 0.55,
}
# What fills out a picture of just one small thing; near things go to the sides or the foreground.
SUPPORTS = {
    "butterfly": ["flowers", "hills", "tree"], "bird": ["tree", "hills"], "cat": ["flowers", "tree", "hills"],
    "dog": ["flowers", "tree", "hills"], "rabbit": ["flowers", "mushroom", "hills"], "deer": ["pine", "forest"],
    "owl": ["pine", "forest"], "tent": ["pine", "mountains"], "campfire": ["pine", "mountains"],
    "flowers": ["hills", "tree", "butterfly"], "mushroom": ["flowers", "pine", "hills"],
    "house": ["tree", "hills", "flowers"], "windmill": ["flowers", "hills"], "temple": ["palm", "hills"],
    "pagoda": ["sakura", "hills"], "castle": ["hills", "tree"], "tower": ["hills", "tree"],
    "boat": ["island"], "sailboat": ["island"], "whale": ["bird"], "fish": ["rocks"],
    "balloon": ["hills", "tree"], "kite": ["hills", "flowers"], "lantern": ["hills", "pine"],
    "car": ["road", "hills"], "train": ["hills", "tree"], "rocket": ["stars", "hills"],
    "tree": ["hills", "flowers"], "pine": ["mountains"], "palm": ["hills"], "cactus": ["rocks"],
}
_FAR = {"mountains", "hills", "forest", "city", "skyline", "volcano", "waterfall", "island"}
_SKYISH = {"sky", "weather"}


def slot(concept: str) -> str:
    """Where a concept lives: sky, weather, far, ground, near, water or air."""
    return SUBJECTS[concept][0] if concept in SUBJECTS else "near"


def focal_subject(subjects: list[Subject]) -> Subject | None:
    """The first thing (not sky, land or ground) the prompt names, if the scene is sparse."""
    things = [s for s in subjects
              if slot(s.concept) in ("near", "water", "air") and s.concept not in ("grass", "fireflies")]
    if not things or len(things) > 2 or any(s.concept in _FAR for s in subjects if s.concept != "island"):
        return None
    if sum(max(1, s.count) for s in things) > 4:
        return None
    return things[0]


def supports(focal: Subject, concepts: set[str], removed: set[str], water: bool, rng: random.Random) -> list[Subject]:
    """Supporting subjects for a sparse scene around `focal`."""
    out = []
    side = "right" if rng.random() < 0.5 else "left"
    for c in SUPPORTS.get(focal.concept, ["hills", "tree"]):
        if c in concepts or c in removed:
            continue
        if water and slot(c) == "near" or c == "hills" and concepts & _FAR:
            continue
        if c == "pine":
            out += [Subject(c, count=1, place="left"), Subject(c, count=1, place="right")]
        elif c in ("tree", "palm", "sakura"):
            out.append(Subject(c, count=1, place=side))
            side = "left" if side == "right" else "right"
        elif c in ("flowers", "mushroom", "rocks"):
            out.append(Subject(c, count=7 if c == "flowers" else 3, place="front"))
        else:
            out.append(Subject(c, count=0 if c in ("hills", "mountains", "stars") else 1))
    return out


def extent(it, plan) -> tuple[float, float, float, float]:
    """A rough (left, top, right, bottom) box of an item in the picture."""
    c = it.concept
    if c == "lake":
        return it.x - it.s, it.y - it.extra, it.x + it.s, it.y + it.extra
    if slot(c) == "ground" or c in ("mountains", "hills", "forest", "city", "skyline", "stars", "aurora", "galaxy",
                                     "rain", "snow", "rainbow", "lightning", "fireflies"):
        return 0.0, plan.horizon - plan.h * 0.25, float(plan.w), plan.horizon + (plan.h - plan.horizon) * 0.3
    if c in ("volcano", "waterfall", "island"):
        return it.x - it.s * 1.6, plan.horizon - it.s * 1.3, it.x + it.s * 1.6, plan.horizon
    hw, up, down = _BOX.get(c, (0.5, 1.0, 0))
    return it.x - hw * it.s, it.y - up * it.s, it.x + hw * it.s, it.y + down * it.s


def _persp(plan, y: float) -> float:
    t = max(0.0, min(1.0, (y - plan.horizon) / max(1.0, plan.h - plan.horizon)))
    return 0.45 + 0.9 * t


def _stand(plan, it, y: float, depth_shift: float = 0.0) -> None:
    """Move a ground-standing item to the line y, rescaling it for the perspective."""
    y = max(plan.horizon + 1, min(plan.h * 0.97, y))
    it.s *= _persp(plan, y) / _persp(plan, it.y)
    it.y = y
    t = (y - plan.horizon) / max(1.0, plan.h - plan.horizon)
    it.depth = 0.55 + 0.4 * t + depth_shift


def _fit_x(plan, it) -> None:
    x0, _, x1, _ = extent(it, plan)
    if x0 < 0:
        it.x -= x0 - plan.w * 0.01
    elif x1 > plan.w:
        it.x -= x1 - plan.w * 0.99


def _fit_top(plan, it) -> None:
    _, top, _, _ = extent(it, plan)
    if top < plan.h * 0.02:
        it.y += plan.h * 0.02 - top


def relate(plan, subjects: list[Subject]) -> None:
    """Apply placement words that name a reference subject ("over the lake", "left of the tower")."""
    for subj in subjects:
        if not subj.place or not subj.ref or subj.ref == subj.concept:
            continue
        mine = [it for it in plan.items if it.concept == subj.concept]
        refs = [it for it in plan.items if it.concept == subj.ref]
        if not mine or not refs:
            continue
        ref = max(refs, key=lambda it: it.s)
        rx0, rtop, rx1, rbottom = extent(ref, plan)
        rcx = (rx0 + rx1) / 2 if slot(ref.concept) in ("ground", "far") and ref.concept != "lake" else ref.x
        if ref.concept in ("mountains", "hills", "forest", "city", "skyline"):
            rcx = mine[0].x
        n = len(mine)
        for i, it in enumerate(mine):
            spread = (i - (n - 1) / 2) * min((rx1 - rx0) / max(1, n), plan.w / max(2, n))
            _apply(plan, subj.place, it, ref, (rx0, rtop, rx1, rbottom), rcx + spread * 0.8, i)


def _apply(plan, place, it, ref, box, cx, i) -> None:
    rx0, rtop, rx1, rbottom = box
    mine_slot, ref_slot = slot(it.concept), slot(ref.concept)
    standing = mine_slot in ("near", "water")
    hw = extent(it, plan)[2] - it.x
    if place == "over":
        it.x = cx
        if standing and ref_slot in ("far", "ground"):  # "rumah di atas bukit": on the hill / on the lake
            _stand(plan, it, ref.y if ref.concept == "lake" else plan.horizon + (plan.h - plan.horizon) * 0.06)
        else:
            below = extent(it, plan)[3] - it.y
            it.y = rtop - plan.h * 0.03 - below - i * plan.h * 0.02
            if standing:  # a thing lifted over another: it floats, drawn after it
                it.group, it.depth = "details", 0.95
        _fit_top(plan, it)
    elif place == "under":
        if ref_slot in ("near", "water"):  # "a cat under a tree": at its foot, just in front
            it.x = ref.x + (1 if i % 2 == 0 else -1) * (rx1 - ref.x) * (0.45 + 0.25 * i)
            if standing:
                _stand(plan, it, ref.y + plan.h * 0.012, 0.005)
            else:
                it.y = rbottom - (rbottom - rtop) * 0.35
        elif ref.concept == "lake" and it.concept in ("fish", "whale", "boat", "sailboat"):
            it.x, it.y = cx, ref.y
        else:
            it.x = cx
            if not standing:
                top = extent(it, plan)[1]
                it.y += max(0.0, rbottom + plan.h * 0.03 - top)
    elif place in ("left", "right"):
        d = -1 if place == "left" else 1
        gap = plan.w * 0.02
        if standing and ref_slot in ("near", "water"):
            _stand(plan, it, ref.y + plan.h * 0.004 * (1 + i))
            hw = extent(it, plan)[2] - it.x
        it.x = (rx0 - gap - hw - i * hw * 2.1) if d < 0 else (rx1 + gap + hw + i * hw * 2.1)
        if not standing and ref_slot not in ("near", "water"):
            it.y = (rtop + rbottom) / 2
        x0, _, x1, _ = extent(it, plan)
        over = -x0 if x0 < 0 else (x1 - plan.w if x1 > plan.w else 0)
        if over > 0:  # no room: push the reference the other way, as far as it can go
            room = plan.w - rx1 if d < 0 else rx0
            shift = min(over, max(0.0, room - plan.w * 0.01)) * (1 if d < 0 else -1)
            it.x += shift
            for other in [o for o in plan.items if o.concept == ref.concept]:
                other.x += shift
    elif place in ("front", "behind"):
        toward = 1 if ref.x < plan.w / 2 else -1
        if ref_slot in ("near", "water") or ref.concept == "lake":
            if place == "front":
                _stand(plan, it, ref.y + (plan.h - ref.y) * (0.45 + 0.1 * i), 0.02)
            else:
                _stand(plan, it, plan.horizon + (ref.y - plan.horizon) * 0.45, -0.02)
            hw = extent(it, plan)[2] - it.x
            off = ((rx1 - rx0) * 0.5 + hw * 0.7 if it.concept in ("boat", "sailboat", "whale") and plan.shore
                   else hw * 0.3)
            it.x = ref.x + toward * off * (1 + i)
        else:
            it.x = cx
    if it.group != "details":
        _fit_x(plan, it)
