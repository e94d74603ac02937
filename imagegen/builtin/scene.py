"""Parsed prompt + seed -> a scene plan: the palette, the ground and every placed subject."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from dataclasses import dataclass, field

from . import layout
from .palette import make_palette
from .parse import Parsed, Subject
from .vocabulary import MASS_NOUNS, SUBJECTS

WATER_GROUND = {"ocean", "waves", "beach", "island", "boat", "sailboat", "whale", "lighthouse"}
GROUND_ORDER = ["ocean", "beach", "waves", "lake", "river", "desert", "dunes", "rice_terraces", "field",
                "meadow", "garden", "road"]
# Plural default counts when the prompt says "boats" without a number.
PLURAL = {"stars": 9, "clouds": 4, "bird": 5, "flowers": 14, "grass": 20, "fireflies": 24, "lantern": 7,
          "balloon": 3, "butterfly": 4, "fish": 4, "tree": 5, "pine": 6, "palm": 3, "house": 3, "rocks": 4,
          "mushroom": 4, "boat": 3, "sailboat": 3, "kite": 3, "mountains": 3, "hills": 3}
# Scene ideas used when the prompt names no subject at all; chosen by the hash of the words.
FALLBACKS = [
    ["mountains", "lake", "pine", "clouds"], ["ocean", "island", "palm", "sun"], ["hills", "field", "tree", "house"],
    ["desert", "dunes", "cactus", "moon"], ["city", "river", "bridge"], ["rice_terraces", "hills", "palm", "clouds"],
    ["forest", "meadow", "flowers", "butterfly"], ["ocean", "lighthouse", "bird", "clouds"],
    ["volcano", "hills", "field"], ["mountains", "aurora", "pine", "snow"], ["lake", "pagoda", "sakura"],
    ["hills", "windmill", "flowers", "balloon"],
]
MOTIFS = ["bird", "balloon", "kite", "butterfly", "clouds", "flowers", "rocks", "tree", "sailboat", "house"]
NIGHT_MOTIFS = ["lantern", "fireflies", "stars", "comet", "owl", "flowers", "rocks", "house"]


def digest(*parts) -> int:
    """A stable 64-bit integer from the given parts (never Python's hash())."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


@dataclass
class Item:
    concept: str
    x: float
    y: float
    s: float  # characteristic size in pixels
    depth: float
    group: str
    seed: int
    colour: tuple | None = None
    index: int = 0
    count: int = 1
    place: str = ""
    flip: bool = False
    extra: float = 0.0  # a second size where a concept needs one (a lake's half-height)


@dataclass
class Plan:
    w: int
    h: int
    horizon: float
    ground: str
    time: str
    moods: list[str]
    palette: dict
    items: list[Item] = field(default_factory=list)
    concepts: set[str] = field(default_factory=set)
    shore: str = ""  # "left"/"right" when land things stand on a bank in front of water


def choose_time(parsed: Parsed, concepts: set[str], h: int) -> str:
    """Time of day: asked for, implied by subjects, or picked by the hash."""
    if parsed.time:
        return parsed.time
    if concepts & {"stars", "galaxy", "aurora", "fireflies", "lantern"} or "moon" in concepts and "sun" not in concepts:
        return "night"
    if "neon" in parsed.moods:
        return "sunset"
    return ["noon", "morning", "afternoon", "sunset", "noon", "dawn", "afternoon", "morning"][h % 8]


def build_plan(parsed: Parsed, removed: set[str], seed: int, w: int, h: int, text_key: str) -> Plan:
    """Lay out a scene for one image."""
    rng = random.Random(digest("layout", text_key, seed, w, h))
    word_hash = digest("words", *parsed.unknown) if parsed.unknown else digest("plain", text_key)
    motif = (word_hash % 10007) / 10007
    subjects = [dataclasses.replace(s) for s in parsed.subjects if s.concept not in removed]
    concepts = {s.concept for s in subjects}
    if not concepts:
        pick = FALLBACKS[word_hash % len(FALLBACKS)]
        subjects = [Subject(c) for c in pick if c not in removed]
        concepts = {s.concept for s in subjects}
    time = choose_time(parsed, concepts, word_hash >> 16)
    if parsed.unknown:  # unknown words add a motif of their own
        motifs = NIGHT_MOTIFS if time == "night" else MOTIFS
        m = motifs[(word_hash >> 8) % len(motifs)]
        if m not in concepts and m not in removed:
            subjects.append(Subject(m, count=0, plural=True))
            concepts.add(m)
    moods = list(parsed.moods)
    if "winter" in moods and "snow" not in concepts and "snow" not in removed:
        subjects.append(Subject("snow"))
    if "stormy" in moods and "rain" not in concepts and "rain" not in removed:
        subjects.append(Subject("rain"))
    for mood, extra, place in (("spring", "flowers", "front"), ("tropical", "palm", "right"),
                               ("summer", "flowers", "front")):
        if mood in moods and extra not in concepts and extra not in removed:  # the season's own things
            subjects.append(Subject(extra, count=8 if extra == "flowers" else 1, place=place))
            concepts.add(extra)
    if "stormy" in moods and "clouds" not in concepts and "clouds" not in removed:
        subjects.append(Subject("clouds", count=rng.randint(4, 6)))
        concepts.add("clouds")
    # Implied companions: night has stars, boats need water, a clear sky gets a few clouds.
    implied = []
    if time == "night" and not concepts & {"stars", "moon"}:
        implied += ["stars", "moon"] if rng.random() < 0.6 else ["stars"]
    if time in ("sunset", "dawn") and not concepts & {"sun", "moon"} and "foggy" not in moods:
        implied.append("sun")
    if time != "night" and "clouds" not in concepts and rng.random() < 0.7:
        implied.append("clouds")
    for c in implied:
        if c not in removed and c not in concepts:
            subjects.append(Subject(c, count=0, plural=True))
            concepts.add(c)
    palette = make_palette(time, moods, [c for _, c in parsed.colours], motif)
    ground = next((g for g in GROUND_ORDER if g in concepts), "")
    if not ground:
        ground = "ocean" if concepts & WATER_GROUND else ("snowfield" if "winter" in moods else "grass")
        if concepts & {"desert", "cactus"}:
            ground = "desert"
        if concepts & {"city", "skyline"} and not concepts & {"hills", "mountains", "forest"}:
            ground = "street"
    ground_is_water = ground in ("ocean", "beach", "waves")
    horizon = h * rng.uniform(0.52, 0.62)
    if concepts & {"mountains", "volcano", "city", "skyline"}:
        horizon = h * rng.uniform(0.58, 0.66)
    if concepts & {"balloon", "kite", "rainbow", "aurora", "galaxy", "planet"}:
        horizon += h * 0.06
    if ground in ("rice_terraces", "field", "road", "river") :
        horizon -= h * 0.08
    horizon += h * ((motif * 7) % 1 - 0.5) * 0.06
    plan = Plan(w, h, horizon, ground, time, moods, palette, concepts=concepts)
    if ground_is_water and concepts & {"house", "tree", "palm", "cat", "dog", "tent", "temple", "pagoda", "castle",
                                        "tower", "lighthouse", "mosque", "village", "windmill", "pine", "flowers",
                                        "campfire"}:
        plan.shore = "left" if rng.random() < 0.5 else "right"
    focal = layout.focal_subject(subjects)
    companion = None
    if focal is not None:  # one small thing: make it the centre of a composed picture
        extra = layout.supports(focal, concepts, removed, ground_is_water and not plan.shore, rng)
        subjects += extra
        concepts |= {s.concept for s in extra}
        plan.concepts = concepts
        others = [s for s in subjects if s is not focal and layout.slot(s.concept) in ("near", "water")
                  and s not in extra and s.concept not in MASS_NOUNS and s.count != 0]
        if others and layout.slot(others[0].ref or "sun") in ("sky", "weather", "far") and not focal.ref:
            others[0].place, others[0].ref = ("left" if rng.random() < 0.5 else "right"), focal.concept
            companion = others[0]
        for s in subjects:
            if s.concept in MASS_NOUNS and layout.slot(s.concept) == "near" and not s.place:
                s.place = "front"
    if ground in ("grass", "meadow", "garden", "field", "snowfield") and "grass" not in concepts | removed:
        subjects.append(Subject("grass", count=rng.randint(3, 6)))
    for subj in sorted(subjects, key=lambda s: _order(s.concept)):
        _place(plan, subj, rng, subj is focal or subj is companion)
    layout.relate(plan, subjects)
    plan.items.sort(key=lambda it: (_group_rank(it.group), it.depth, it.y, it.concept, it.index))
    return plan


def _order(concept: str) -> tuple[int, str]:
    slot = SUBJECTS[concept][0]
    return ({"sky": 0, "weather": 5, "far": 1, "ground": 2, "water": 3, "near": 3, "air": 4}[slot], concept)


def _group_rank(group: str) -> int:
    return {"sky": 0, "far": 1, "near": 2, "details": 3}[group]


def _count(subj: Subject, rng: random.Random) -> int:
    if subj.count:
        return subj.count
    base = PLURAL.get(subj.concept, 3)
    return max(1, round(base * rng.uniform(0.7, 1.3)))


def _x_for(place: str, rng: random.Random, w: float, i: int, n: int) -> float:
    if place == "left":
        return w * rng.uniform(0.08, 0.36)
    if place == "right":
        return w * rng.uniform(0.64, 0.92)
    if place == "center":
        return w * rng.uniform(0.42, 0.58)
    # spread n things over the width with jitter
    return w * ((i + rng.uniform(0.2, 0.8)) / n * 0.9 + 0.05)


def _place(plan: Plan, subj: Subject, rng: random.Random, focal: bool = False) -> None:
    w, h, hz = plan.w, plan.h, plan.horizon
    c = subj.concept
    slot = SUBJECTS[c][0]
    unit = min(w, h)
    seed = rng.getrandbits(32)

    def add(x, y, s, depth, group, index=0, count=1):
        s *= subj.size
        if group == "near":  # a giant thing still fits in the picture
            s = min(s, (y - h * 0.03) / max(0.3, y - layout.extent(Item(c, x, y, 1.0, 0, group, 0), plan)[1]))
        plan.items.append(Item(c, x, y, s, depth, group, seed + index, subj.colour, index, count,
                               subj.place, rng.random() < 0.5))

    if slot == "sky" or slot == "weather":
        if c in ("stars", "rain", "snow", "aurora", "galaxy", "rainbow", "lightning"):
            n = subj.count if subj.count > 1 else _count(subj, rng) if c == "stars" else 1
            add(_x_for(subj.place, rng, w, 0, 1), hz, unit, 0.0 if c != "rain" and c != "snow" else 1.0,
                "sky" if slot == "sky" and c != "lightning" else "details", count=n)
            return
        n = _count(subj, rng) if c == "clouds" else max(1, subj.count)
        for i in range(n):
            x = _x_for(subj.place, rng, w, i, n)
            if c in ("sun", "moon"):
                y = hz - h * (0.08 if plan.time in ("sunset", "dawn") else rng.uniform(0.22, 0.4))
                if subj.place == "under":
                    y = hz - h * 0.04
                s = unit * (0.09 if c == "sun" else 0.07) * (1.3 if plan.time in ("sunset", "dawn") else 1)
            elif c == "clouds":
                y = hz * rng.uniform(0.12, 0.7)
                s = unit * rng.uniform(0.12, 0.2)
            else:
                y = hz * rng.uniform(0.15, 0.5)
                s = unit * rng.uniform(0.05, 0.09)
            add(x, y, s, 0.05, "sky", i, n)
        return
    if slot == "ground":
        if c == "lake" and plan.ground not in ("ocean", "beach", "waves"):
            add(w * rng.uniform(0.35, 0.65), hz + (h - hz) * 0.35, w * rng.uniform(0.3, 0.42), 0.5, "far")
            plan.items[-1].extra = (h - hz) * 0.17
            return
        add(w / 2, hz, unit, 0.5, "far")
        return
    if c in ("mountains", "hills", "forest", "city", "skyline"):
        n = _count(subj, rng) if subj.count == 0 or subj.plural else max(1, subj.count)
        add(_x_for(subj.place, rng, w, 0, 1), hz, unit, 0.2, "far", count=n)
        return
    if slot == "far":  # volcano, waterfall, island
        x = _x_for(subj.place, rng, w, 0, 1) if subj.place else w * rng.uniform(0.3, 0.7)
        add(x, hz, unit * rng.uniform(0.3, 0.4), 0.3, "far")
        return
    n = _count(subj, rng) if subj.count == 0 else subj.count
    n = min(n, 24)
    if focal and n <= 4:
        _place_focal(plan, subj, rng, n, add)
        return
    lake = next((it for it in plan.items if it.concept == "lake"), None)
    for i in range(n):
        x = _x_for(subj.place, rng, w, i, n) if subj.place or n > 1 else w * rng.uniform(0.2, 0.8)
        if slot == "air":
            low = c in ("butterfly", "fireflies")
            y = hz + (h - hz) * rng.uniform(0.0, 0.6) if low else hz * rng.uniform(0.15, 0.75)
            if subj.place == "under":
                y = hz + (h - hz) * 0.3
            size = {"balloon": 0.09, "kite": 0.06, "bird": 0.04, "butterfly": 0.045, "lantern": 0.035,
                    "fireflies": 0.006, "rocket": 0.08}.get(c, 0.05)
            s = unit * size * rng.uniform(0.75, 1.25) * (1.5 if n == 1 and c != "fireflies" else 1)
            if c == "fireflies":
                add(w / 2, y, unit, 0.9, "details", i, n)
                return
            add(x, y, s, 0.9, "details", i, n)
            continue
        # near and water things stand on the ground: lower = nearer = bigger
        t = rng.uniform(0.15, 0.75) if n > 1 else rng.uniform(0.3, 0.6)
        if subj.place == "front":
            t = rng.uniform(0.72, 0.97) if n > 3 else rng.uniform(0.75, 0.92)
        elif subj.place == "behind":
            t = rng.uniform(0.02, 0.15)
        if slot == "near" and plan.shore:
            t = rng.uniform(0.55, 0.9)
            x = w * (rng.uniform(0.03, 0.33) if plan.shore == "left" else rng.uniform(0.67, 0.97))
        if slot == "water" and plan.shore:
            x = w * (rng.uniform(0.45, 0.85) if plan.shore == "left" else rng.uniform(0.15, 0.55))
        if slot == "water" and lake is not None:  # boats on the lake, not on the grass
            x = lake.x + lake.s * 0.7 * ((i + 0.5) / n * 2 - 1)
            t = (lake.y + lake.extra * 0.3 - hz) / (h - hz)
        y = hz + (h - hz) * t
        persp = 0.45 + 0.9 * t
        size = {"tree": 0.28, "pine": 0.3, "palm": 0.32, "house": 0.16, "castle": 0.3, "temple": 0.4, "pagoda": 0.4,
                "mosque": 0.26, "tower": 0.34, "lighthouse": 0.4, "bridge": 0.5, "windmill": 0.3,
                "flowers": 0.04, "grass": 0.04, "boat": 0.12, "sailboat": 0.18, "whale": 0.25, "fish": 0.05,
                "cat": 0.1, "dog": 0.11, "deer": 0.14, "rabbit": 0.07, "owl": 0.08, "car": 0.1, "train": 0.12,
                "tent": 0.12, "campfire": 0.06, "rocks": 0.06, "mushroom": 0.05, "cactus": 0.16, "bamboo": 0.3,
                "sakura": 0.3, "village": 0.14}.get(c, 0.1)
        add(x, y, unit * size * persp * rng.uniform(0.85, 1.15) * 1.35, 0.55 + 0.4 * t, "near", i, n)


def _place_focal(plan: Plan, subj: Subject, rng: random.Random, n: int, add) -> None:
    """The subject the picture is about: large, in the middle third, in front."""
    w, h, hz, unit = plan.w, plan.h, plan.horizon, min(plan.w, plan.h)
    c = subj.concept
    slot = SUBJECTS[c][0]
    size = layout.FOCAL_SIZE.get(c, 0.2) * unit * (1 if n == 1 else 0.8)
    for i in range(n):
        x = _x_for(subj.place, rng, w, 0, 1) if subj.place else w * rng.uniform(0.4, 0.6)
        if n > 1:
            x = w * (0.5 + (i - (n - 1) / 2) * 0.22) + rng.uniform(-0.03, 0.03) * w
        s = size * rng.uniform(0.9, 1.1)
        if slot == "air":
            low = c in ("butterfly", "bird")
            y = hz + (h - hz) * rng.uniform(0.05, 0.3) if low and c == "butterfly" else hz * rng.uniform(0.3, 0.55)
            add(x, y + i * h * 0.04, s, 0.9, "details", i, n)
            continue
        t = rng.uniform(0.3, 0.5) if slot == "water" else rng.uniform(0.5, 0.68)
        y = hz + (h - hz) * t
        add(x, y, s, 0.55 + 0.4 * t, "near", i, n)
