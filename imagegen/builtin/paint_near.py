"""Painters for plants and buildings standing on the ground; (x, y) is the base, s the height."""

from __future__ import annotations

import math

from .palette import mix, scale
from .sketch import ellipse_pts


def _fog(c, plan, it):
    """Atmospheric perspective: things near the horizon take on the horizon colour."""
    k = max(0.0, 0.55 - it.depth) * 0.9 + (0.25 if "foggy" in plan.moods else 0)
    return mix(c, plan.palette["horizon"], min(0.7, k))


def shadow(sk, it, plan, width):
    sk.ellipse(it.x, it.y, width, width * 0.18, scale(plan.palette["grass2"], 0.7))


def tree(sk, it, plan, rng):
    P, s = plan.palette, it.s
    leaf = _fog(it.colour or P["foliage"], plan, it)
    shadow(sk, it, plan, s * 0.3)
    sk.poly([(it.x - s * 0.05, it.y), (it.x - s * 0.03, it.y - s * 0.55), (it.x + s * 0.03, it.y - s * 0.55),
             (it.x + s * 0.05, it.y)], _fog(P["trunk"], plan, it))
    blobs = [(0, -0.62, 0.3), (-0.18, -0.5, 0.22), (0.18, -0.5, 0.22), (-0.1, -0.78, 0.2), (0.12, -0.75, 0.2)]
    for i, (dx, dy, r) in enumerate(blobs):
        k = 0.85 if i < 3 else 1.0
        sk.ellipse(it.x + dx * s, it.y + dy * s, r * s * rng.uniform(0.9, 1.1), r * s * 0.9, scale(leaf, k))
    sk.ellipse(it.x - s * 0.08, it.y - s * 0.75, s * 0.1, s * 0.08, mix(leaf, (255, 255, 220), 0.2))


def pine(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or scale(P["foliage"], 0.85), plan, it)
    shadow(sk, it, plan, s * 0.2)
    sk.poly([(it.x - s * 0.03, it.y), (it.x - s * 0.03, it.y - s * 0.2), (it.x + s * 0.03, it.y - s * 0.2),
             (it.x + s * 0.03, it.y)], _fog(P["trunk"], plan, it))
    for k in range(3):
        base = it.y - s * (0.12 + 0.25 * k)
        half = s * (0.3 - 0.07 * k)
        sk.poly([(it.x - half, base), (it.x, base - s * 0.42), (it.x + half, base)], scale(c, 0.9 + 0.06 * k))
        sk.poly([(it.x, base - s * 0.42), (it.x + half, base), (it.x + half * 0.3, base)], scale(c, 0.78))
    if "winter" in plan.moods or "snow" in plan.concepts:
        sk.poly([(it.x, it.y - s * 0.92), (it.x + s * 0.06, it.y - s * 0.8), (it.x - s * 0.06, it.y - s * 0.8)],
                (250, 250, 255))


def palm(sk, it, plan, rng):
    P, s = plan.palette, it.s
    lean = s * 0.18 * (1 if it.flip else -1)
    top = (it.x + lean, it.y - s)
    trunk = _fog(P["trunk"], plan, it)
    pts = [(it.x + lean * (i / 6) ** 2, it.y - s * i / 6) for i in range(7)]
    sk.line(pts, trunk, max(2, s * 0.045))
    leaf = _fog(it.colour or P["foliage"], plan, it)
    for a in range(7):
        ang = math.pi * (0.95 + a * 0.18) + rng.uniform(-0.1, 0.1)
        ln = s * rng.uniform(0.35, 0.45)
        tip = (top[0] + math.cos(ang) * ln, top[1] + math.sin(ang) * ln * 0.5 + ln * 0.45)
        mid = (top[0] + math.cos(ang) * ln * 0.5, top[1] + math.sin(ang) * ln * 0.4 - ln * 0.05)
        sk.poly([top, mid, tip, (mid[0], mid[1] + s * 0.06)], scale(leaf, 0.85 + 0.05 * (a % 3)))
    sk.ellipse(top[0], top[1] + s * 0.04, s * 0.04, s * 0.04, scale(P["trunk"], 0.7))


def bamboo(sk, it, plan, rng):
    s = it.s
    c = _fog(it.colour or (120, 170, 70), plan, it)
    for k in range(3):
        x = it.x + (k - 1) * s * 0.1
        h = s * rng.uniform(0.8, 1.1)
        sk.line([(x, it.y), (x + s * 0.03, it.y - h)], c, max(2, s * 0.04))
        for j in range(1, 5):
            y = it.y - h * j / 5
            sk.line([(x - s * 0.025, y), (x + s * 0.03, y)], scale(c, 0.7), max(1, s * 0.012))
            sk.poly([(x, y), (x + s * 0.2 * (1 if j % 2 else -1), y - s * 0.06), (x, y - s * 0.03)], scale(c, 1.05))


def cactus(sk, it, plan, rng):
    s = it.s
    c = _fog(it.colour or (80, 140, 80), plan, it)
    shadow(sk, it, plan, s * 0.2)
    w = s * 0.09
    sk.poly([(it.x - w, it.y), (it.x - w, it.y - s * 0.9), (it.x, it.y - s), (it.x + w, it.y - s * 0.9),
             (it.x + w, it.y)], c)
    for side in (-1, 1):
        y0 = it.y - s * rng.uniform(0.35, 0.55)
        x1 = it.x + side * s * 0.25
        sk.poly([(it.x, y0), (x1, y0), (x1, y0 - s * 0.3), (x1 - side * w * 1.2, y0 - s * 0.3),
                 (x1 - side * w * 1.2, y0 - w * 1.2), (it.x, y0 - w * 1.2)], scale(c, 0.92))
    sk.line([(it.x + w * 0.3, it.y - s * 0.85), (it.x + w * 0.3, it.y - s * 0.05)], scale(c, 1.2), max(1, w * 0.25))


def flowers(sk, it, plan, rng):
    P, s = plan.palette, it.s * 1.5
    petal = it.colour or [P["flower"], P["flower2"], P["blossom"], P["accent"]][it.index % 4]
    sk.line([(it.x, it.y), (it.x + s * 0.1, it.y - s * 1.2)], scale(P["grass2"], 0.8), max(1, s * 0.1))
    sk.ellipse(it.x - s * 0.2, it.y - s * 0.5, s * 0.25, s * 0.1, P["grass2"])
    cx, cy = it.x + s * 0.1, it.y - s * 1.25
    for a in range(5):
        ang = a * 2 * math.pi / 5
        sk.ellipse(cx + math.cos(ang) * s * 0.3, cy + math.sin(ang) * s * 0.3, s * 0.26, s * 0.26, petal)
    sk.ellipse(cx, cy, s * 0.18, s * 0.18, (250, 210, 80) if petal != (250, 210, 80) else (200, 90, 40))


def grass(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = it.colour or scale(P["grass2"], 0.85)
    for k in range(5):
        dx = (k - 2) * s * 0.15
        sk.poly([(it.x + dx - s * 0.05, it.y), (it.x + dx * 2.2, it.y - s * rng.uniform(0.6, 1.1)),
                 (it.x + dx + s * 0.05, it.y)], c)


def rocks(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or P["rock"], plan, it)
    pts = [(it.x + math.cos(a) * s * rng.uniform(0.8, 1.1),
            it.y - max(0, math.sin(-a)) * s * 0.8 * rng.uniform(0.8, 1.1))
           for a in [math.pi * (1 + i / 7) for i in range(8)]]
    sk.poly(pts, c)
    sk.poly(pts[4:] + [(it.x + s * 0.2, it.y)], scale(c, 0.8))


def mushroom(sk, it, plan, rng):
    s = it.s
    cap = it.colour or (210, 50, 50)
    sk.poly([(it.x - s * 0.15, it.y), (it.x - s * 0.1, it.y - s * 0.6), (it.x + s * 0.1, it.y - s * 0.6),
             (it.x + s * 0.15, it.y)], (240, 230, 210))
    sk.poly(ellipse_pts(it.x, it.y - s * 0.55, s * 0.5, s * 0.45, 14, math.pi, 2 * math.pi), cap)
    sk.dots([(it.x - s * 0.2, it.y - s * 0.75, s * 0.07), (it.x + s * 0.15, it.y - s * 0.8, s * 0.06),
             (it.x + s * 0.3, it.y - s * 0.63, s * 0.05)], (250, 250, 245))


def sakura(sk, it, plan, rng):
    P = plan.palette
    it.colour = it.colour or P["blossom"]
    tree(sk, it, plan, rng)
    petals = [(it.x + rng.uniform(-0.5, 0.5) * it.s, it.y + rng.uniform(-0.9, 0.05) * it.s, it.s * 0.012 + 1)
              for _ in range(30)]
    sk.dots(petals, mix(it.colour, (255, 255, 255), 0.4))


def house(sk, it, plan, rng):
    P, s = plan.palette, it.s
    wall = _fog(it.colour or [P["wall"], P["wall2"], mix(P["wall"], P["accent2"], 0.4)][it.index % 3], plan, it)
    roof = _fog(P["roof"] if not it.colour else scale(it.colour, 0.6), plan, it)
    w = s * 1.1
    shadow(sk, it, plan, w * 0.7)
    x0, x1, top = it.x - w / 2, it.x + w / 2, it.y - s * 0.6
    sk.poly([(x0, it.y), (x0, top), (x1, top), (x1, it.y)], wall)
    sk.poly([(x0 + w * 0.6, it.y), (x0 + w * 0.6, top), (x1, top), (x1, it.y)], scale(wall, 0.85))
    sk.poly([(x0 - w * 0.08, top), (it.x - w * 0.2, it.y - s), (x1 - w * 0.25, it.y - s), (x1 + w * 0.08, top)], roof)
    sk.poly([(x0 + w * 0.15, it.y), (x0 + w * 0.15, it.y - s * 0.35), (x0 + w * 0.32, it.y - s * 0.35),
             (x0 + w * 0.32, it.y)], scale(P["wood"], 0.8))
    win = P["window"]
    sk.poly([(x0 + w * 0.45, top + s * 0.15), (x0 + w * 0.55, top + s * 0.15), (x0 + w * 0.55, top + s * 0.28),
             (x0 + w * 0.45, top + s * 0.28)], win)
    sk.poly([(x0 + w * 0.7, top + s * 0.15), (x0 + w * 0.85, top + s * 0.15), (x0 + w * 0.85, top + s * 0.28),
             (x0 + w * 0.7, top + s * 0.28)], win)
    if P["night"]:
        sk.glow(it.x, top + s * 0.2, s * 0.6, win, 0.25)


def village(sk, it, plan, rng):
    base = it.x - it.s * 1.5
    for k in range(3):
        it2 = type(it)(**{**it.__dict__, "x": base + k * it.s * 1.4, "y": it.y + (k % 2) * it.s * 0.2,
                          "s": it.s * (0.8 + 0.15 * (k % 2)), "index": k})
        house(sk, it2, plan, rng)


def tower(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or P["stone"], plan, it)
    w = s * 0.16
    shadow(sk, it, plan, w * 1.5)
    sk.poly([(it.x - w, it.y), (it.x - w * 0.7, it.y - s * 0.85), (it.x + w * 0.7, it.y - s * 0.85),
             (it.x + w, it.y)], c)
    sk.poly([(it.x + w * 0.2, it.y), (it.x + w * 0.15, it.y - s * 0.85), (it.x + w * 0.7, it.y - s * 0.85),
             (it.x + w, it.y)], scale(c, 0.85))
    sk.poly([(it.x - w * 0.9, it.y - s * 0.85), (it.x, it.y - s), (it.x + w * 0.9, it.y - s * 0.85)],
            _fog(P["roof"], plan, it))
    for j in range(3):
        y = it.y - s * (0.25 + j * 0.2)
        sk.poly([(it.x - w * 0.2, y), (it.x + w * 0.05, y), (it.x + w * 0.05, y + s * 0.07),
                 (it.x - w * 0.2, y + s * 0.07)], P["window"])


def lighthouse(sk, it, plan, rng):
    P, s = plan.palette, it.s
    w = s * 0.11
    shadow(sk, it, plan, w * 2)
    red = _fog(it.colour or (210, 50, 50), plan, it)
    white = _fog((245, 245, 240), plan, it)
    for k in range(5):
        y0, y1 = it.y - s * 0.75 * k / 5, it.y - s * 0.75 * (k + 1) / 5
        k0, k1 = 1 - 0.35 * k / 5, 1 - 0.35 * (k + 1) / 5
        sk.poly([(it.x - w * k0, y0), (it.x - w * k1, y1), (it.x + w * k1, y1), (it.x + w * k0, y0)],
                red if k % 2 == 0 else white)
    top = it.y - s * 0.75
    sk.poly([(it.x - w * 0.8, top), (it.x + w * 0.8, top), (it.x + w * 0.8, top - s * 0.03),
             (it.x - w * 0.8, top - s * 0.03)], (40, 40, 50))
    sk.glow(it.x, top - s * 0.08, s * (0.5 if P["night"] else 0.25), (255, 240, 170), 0.6)
    lamp = (255, 235, 150)
    sk.poly([(it.x - w * 0.5, top - s * 0.03), (it.x + w * 0.5, top - s * 0.03), (it.x + w * 0.5, top - s * 0.12),
             (it.x - w * 0.5, top - s * 0.12)], lamp)
    if P["night"] or plan.time in ("sunset", "dawn"):
        d = 1 if it.flip else -1
        sk.poly([(it.x, top - s * 0.08), (it.x + d * s * 1.2, top - s * 0.2), (it.x + d * s * 1.2, top + s * 0.02)],
                mix(lamp, P["sky"][-2], 0.6))
    sk.poly([(it.x - w * 0.6, top - s * 0.12), (it.x, top - s * 0.2), (it.x + w * 0.6, top - s * 0.12)], red)


def mosque(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or P["wall"], plan, it)
    dome = _fog(mix(P["accent"], (60, 160, 120), 0.6), plan, it)
    shadow(sk, it, plan, s * 0.5)
    sk.poly([(it.x - s * 0.4, it.y), (it.x - s * 0.4, it.y - s * 0.4), (it.x + s * 0.4, it.y - s * 0.4),
             (it.x + s * 0.4, it.y)], c)
    sk.poly(ellipse_pts(it.x, it.y - s * 0.4, s * 0.26, s * 0.3, 14, math.pi, 2 * math.pi), dome)
    sk.line([(it.x, it.y - s * 0.7), (it.x, it.y - s * 0.8)], dome, max(1, s * 0.02))
    for side in (-1, 1):
        x = it.x + side * s * 0.5
        sk.poly([(x - s * 0.04, it.y), (x - s * 0.04, it.y - s * 0.8), (x + s * 0.04, it.y - s * 0.8),
                 (x + s * 0.04, it.y)], c)
        sk.poly([(x - s * 0.05, it.y - s * 0.8), (x, it.y - s * 0.95), (x + s * 0.05, it.y - s * 0.8)], dome)
    sk.poly(ellipse_pts(it.x, it.y - s * 0.02, s * 0.08, s * 0.2, 8, math.pi, 2 * math.pi), scale(c, 0.6))


def castle(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or P["stone"], plan, it)
    roof = _fog(P["roof"], plan, it)
    shadow(sk, it, plan, s * 0.6)
    sk.poly([(it.x - s * 0.45, it.y), (it.x - s * 0.45, it.y - s * 0.45), (it.x + s * 0.45, it.y - s * 0.45),
             (it.x + s * 0.45, it.y)], c)
    for k in range(6):
        x = it.x - s * 0.45 + k * s * 0.18
        sk.poly([(x, it.y - s * 0.45), (x, it.y - s * 0.5), (x + s * 0.09, it.y - s * 0.5),
                 (x + s * 0.09, it.y - s * 0.45)], c)
    for dx, hh in ((-0.45, 0.75), (0.45, 0.75), (0, 1.0)):
        x = it.x + dx * s
        w = s * 0.1
        sk.poly([(x - w, it.y), (x - w, it.y - s * hh), (x + w, it.y - s * hh), (x + w, it.y)],
                scale(c, 0.95 if dx else 1.05))
        sk.poly([(x - w * 1.3, it.y - s * hh), (x, it.y - s * (hh + 0.25)), (x + w * 1.3, it.y - s * hh)], roof)
        sk.poly([(x - w * 0.3, it.y - s * (hh - 0.12)), (x + w * 0.3, it.y - s * (hh - 0.12)),
                 (x + w * 0.3, it.y - s * (hh - 0.2)), (x - w * 0.3, it.y - s * (hh - 0.2))], P["window"])
    sk.poly(ellipse_pts(it.x, it.y, s * 0.09, s * 0.2, 8, math.pi, 2 * math.pi), scale(P["wood"], 0.6))


def bridge(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or mix(P["stone"], P["wood"], 0.4), plan, it)
    w = s * 1.2
    x0, x1 = it.x - w / 2, it.x + w / 2
    top = it.y - s * 0.3
    sk.poly([(x0 - w * 0.1, it.y), (x0, top), (x1, top), (x1 + w * 0.1, it.y)], c)
    sk.poly(ellipse_pts(it.x, it.y + 1, w * 0.38, s * 0.24, 14, math.pi, 2 * math.pi),
            mix(P["water2"], P["horizon"], 0.3))
    sk.line([(x0, top - s * 0.06), (x1, top - s * 0.06)], scale(c, 0.8), max(1, s * 0.02))
    for k in range(9):
        x = x0 + w * k / 8
        sk.line([(x, top), (x, top - s * 0.06)], scale(c, 0.8), max(1, s * 0.015))


def windmill(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or P["wall"], plan, it)
    shadow(sk, it, plan, s * 0.2)
    sk.poly([(it.x - s * 0.13, it.y), (it.x - s * 0.08, it.y - s * 0.65), (it.x + s * 0.08, it.y - s * 0.65),
             (it.x + s * 0.13, it.y)], c)
    sk.poly([(it.x - s * 0.1, it.y - s * 0.65), (it.x, it.y - s * 0.78), (it.x + s * 0.1, it.y - s * 0.65)],
            _fog(P["roof"], plan, it))
    hub = (it.x, it.y - s * 0.66)
    a0 = rng.uniform(0, math.pi / 2)
    blade = _fog(mix(P["wood"], (240, 230, 210), 0.5), plan, it)
    for k in range(4):
        a = a0 + k * math.pi / 2
        ca, sa = math.cos(a), math.sin(a)
        px, py = -sa, ca
        tip = (hub[0] + ca * s * 0.45, hub[1] + sa * s * 0.45)
        sk.poly([(hub[0] + ca * s * 0.08, hub[1] + sa * s * 0.08), tip,
                 (tip[0] + px * s * 0.09, tip[1] + py * s * 0.09),
                 (hub[0] + ca * s * 0.1 + px * s * 0.07, hub[1] + sa * s * 0.1 + py * s * 0.07)], blade)
    sk.ellipse(hub[0], hub[1], s * 0.03, s * 0.03, (60, 50, 40))


def tent(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = _fog(it.colour or P["accent"], plan, it)
    shadow(sk, it, plan, s * 0.7)
    sk.poly([(it.x - s * 0.6, it.y), (it.x, it.y - s * 0.7), (it.x + s * 0.6, it.y)], c)
    sk.poly([(it.x, it.y - s * 0.7), (it.x + s * 0.6, it.y), (it.x + s * 0.2, it.y)], scale(c, 0.8))
    sk.poly([(it.x - s * 0.12, it.y), (it.x, it.y - s * 0.45), (it.x + s * 0.12, it.y)], scale(c, 0.45))


def campfire(sk, it, plan, rng):
    P, s = plan.palette, it.s
    sk.glow(it.x, it.y - s * 0.3, s * 3, (255, 160, 60), 0.45)
    sk.line([(it.x - s * 0.5, it.y), (it.x + s * 0.5, it.y - s * 0.15)], P["trunk"], max(2, s * 0.12))
    sk.line([(it.x + s * 0.5, it.y), (it.x - s * 0.5, it.y - s * 0.15)], scale(P["trunk"], 0.8), max(2, s * 0.12))
    for k, c in enumerate(((240, 80, 30), (255, 160, 40), (255, 235, 120))):
        f = 1 - k * 0.3
        sk.poly([(it.x - s * 0.35 * f, it.y - s * 0.1), (it.x - s * 0.15 * f, it.y - s * 0.6 * f),
                 (it.x, it.y - s * 1.1 * f), (it.x + s * 0.2 * f, it.y - s * 0.55 * f),
                 (it.x + s * 0.35 * f, it.y - s * 0.1)], it.colour if it.colour and k == 0 else c)
