"""Painters for creatures, vehicles and things in the air or on the water."""

from __future__ import annotations

import math

from .palette import mix, scale
from .sketch import ellipse_pts


def _dir(it):
    return 1 if it.flip else -1


def boat(sk, it, plan, rng):
    P, s = plan.palette, it.s
    hull = it.colour or [P["accent"], P["wood"], P["accent2"]][it.index % 3]
    d = _dir(it)
    sk.ellipse(it.x, it.y + s * 0.05, s * 0.6, s * 0.06, scale(P["water"], 0.75))
    sk.poly([(it.x - s * 0.55, it.y - s * 0.22), (it.x + s * 0.55, it.y - s * 0.22), (it.x + s * 0.38 * d, it.y),
             (it.x - s * 0.38 * d, it.y)], hull)
    sk.poly([(it.x - s * 0.55, it.y - s * 0.22), (it.x + s * 0.55, it.y - s * 0.22), (it.x + s * 0.5, it.y - s * 0.15),
             (it.x - s * 0.5, it.y - s * 0.15)], scale(hull, 1.2))
    sk.poly([(it.x - s * 0.2, it.y - s * 0.22), (it.x - s * 0.2, it.y - s * 0.42), (it.x + s * 0.15, it.y - s * 0.42),
             (it.x + s * 0.15, it.y - s * 0.22)], P["wall"])
    sk.poly([(it.x - s * 0.25, it.y - s * 0.42), (it.x + s * 0.2, it.y - s * 0.42), (it.x + s * 0.15, it.y - s * 0.48),
             (it.x - s * 0.2, it.y - s * 0.48)], P["roof"])


def sailboat(sk, it, plan, rng):
    P, s = plan.palette, it.s
    hull = it.colour or scale(P["wood"], 0.9)
    sail = mix((250, 248, 240), P["horizon"], 0.15)
    d = _dir(it)
    sk.ellipse(it.x, it.y + s * 0.03, s * 0.45, s * 0.04, scale(P["water"], 0.75))
    sk.poly([(it.x - s * 0.4, it.y - s * 0.12), (it.x + s * 0.4, it.y - s * 0.12), (it.x + s * 0.28, it.y),
             (it.x - s * 0.28, it.y)], hull)
    sk.line([(it.x, it.y - s * 0.12), (it.x, it.y - s)], (80, 60, 40), max(1, s * 0.02))
    sk.poly([(it.x + s * 0.02 * d, it.y - s * 0.98), (it.x + s * 0.02 * d, it.y - s * 0.18),
             (it.x + s * 0.38 * d, it.y - s * 0.18)], sail)
    sk.poly([(it.x - s * 0.02 * d, it.y - s * 0.85), (it.x - s * 0.02 * d, it.y - s * 0.2),
             (it.x - s * 0.25 * d, it.y - s * 0.2)], it.colour and mix(it.colour, sail, 0.3) or scale(sail, 0.9))


def whale(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = it.colour or (60, 80, 120)
    d = _dir(it)
    sk.poly(ellipse_pts(it.x, it.y, s * 0.55, s * 0.3, 16, math.pi, 2 * math.pi), c)
    sk.poly(ellipse_pts(it.x - d * s * 0.05, it.y, s * 0.42, s * 0.1, 10, math.pi, 2 * math.pi),
            mix(c, (230, 230, 240), 0.5))
    tx = it.x - d * s * 0.75
    sk.poly([(tx + d * s * 0.1, it.y), (tx, it.y - s * 0.3), (tx - d * s * 0.15, it.y - s * 0.42),
             (tx + d * s * 0.02, it.y - s * 0.36), (tx + d * s * 0.15, it.y - s * 0.45),
             (tx + d * s * 0.08, it.y - s * 0.28), (tx + d * s * 0.2, it.y)], c)
    sk.ellipse(it.x + d * s * 0.3, it.y - s * 0.12, s * 0.025, s * 0.025, (20, 20, 30))
    spout = mix((240, 250, 255), P["horizon"], 0.2)
    for k in range(5):
        a = -math.pi / 2 + (k - 2) * 0.35
        sk.line([(it.x + d * s * 0.1, it.y - s * 0.3), (it.x + d * s * 0.1 + math.cos(a) * s * 0.25,
                                                         it.y - s * 0.3 + math.sin(a) * s * 0.3)],
                spout, max(1, s * 0.02))
    sk.line([(it.x - s * 0.7, it.y + 1), (it.x + s * 0.7, it.y + 1)], mix(P["water2"], (255, 255, 255), 0.5),
            max(1, s * 0.025))


def fish(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = it.colour or [(245, 130, 40), (250, 245, 240), (230, 70, 60)][it.index % 3]
    d = _dir(it)
    y = it.y - s * 0.5
    sk.poly(ellipse_pts(it.x, y, s * 0.55, s * 0.25, 14), c)
    sk.poly([(it.x - d * s * 0.45, y), (it.x - d * s * 0.85, y - s * 0.25), (it.x - d * s * 0.75, y),
             (it.x - d * s * 0.85, y + s * 0.25)], c)
    sk.ellipse(it.x + d * s * 0.3, y - s * 0.05, s * 0.05, s * 0.05, (20, 20, 30))
    sk.line([(it.x - s * 0.8, it.y), (it.x + s * 0.8, it.y)], mix(P["water2"], (255, 255, 255), 0.5), max(1, s * 0.05))


def balloon(sk, it, plan, rng):
    P, s = plan.palette, it.s
    c = it.colour or [P["accent"], P["accent2"], (90, 170, 220), (240, 150, 180)][it.index % 4]
    c2 = mix(c, (255, 255, 255), 0.55)
    sk.poly(ellipse_pts(it.x, it.y, s * 0.5, s * 0.55, 18, math.pi * 0.8, math.pi * 2.2) + [(it.x, it.y + s * 0.75)], c)
    sk.poly(ellipse_pts(it.x, it.y, s * 0.22, s * 0.55, 12, math.pi * 0.75, math.pi * 2.25)
            + [(it.x, it.y + s * 0.75)], c2)
    sk.poly(ellipse_pts(it.x, it.y, s * 0.08, s * 0.55, 8, math.pi * 0.7, math.pi * 2.3) + [(it.x, it.y + s * 0.75)], c)
    for k in (-1, 1):
        sk.line([(it.x + k * s * 0.16, it.y + s * 0.62), (it.x + k * s * 0.1, it.y + s * 0.85)], (80, 60, 40), 1)
    sk.poly([(it.x - s * 0.11, it.y + s * 0.85), (it.x + s * 0.11, it.y + s * 0.85), (it.x + s * 0.09, it.y + s * 1.0),
             (it.x - s * 0.09, it.y + s * 1.0)], P["wood"])


def kite(sk, it, plan, rng):
    s = it.s
    c = it.colour or plan.palette["accent"]
    c2 = plan.palette["accent2"]
    top, left, right, bottom = ((it.x, it.y - s * 0.6), (it.x - s * 0.45, it.y - s * 0.1),
                                (it.x + s * 0.45, it.y - s * 0.1), (it.x, it.y + s * 0.7))
    sk.poly([top, right, (it.x, it.y - s * 0.1)], c)
    sk.poly([top, left, (it.x, it.y - s * 0.1)], c2)
    sk.poly([left, bottom, (it.x, it.y - s * 0.1)], scale(c, 0.8))
    sk.poly([right, bottom, (it.x, it.y - s * 0.1)], scale(c2, 0.8))
    tail = [(it.x + math.sin(k * 0.9) * s * 0.2, it.y + s * (0.7 + k * 0.25)) for k in range(8)]
    sk.line([bottom] + tail, (60, 50, 50), 1)
    line_end = (it.x + s * 3 * _dir(it), plan.h)
    sk.line([(it.x, it.y), line_end], mix((70, 70, 70), plan.palette["horizon"], 0.4), 1)


def bird(sk, it, plan, rng):
    s = it.s
    c = it.colour or (scale(plan.palette["sky"][0], 0.5) if plan.time != "night" else (20, 20, 30))
    flap = rng.uniform(0.2, 0.6)
    w = max(1.2, s * 0.12)
    sk.line([(it.x - s, it.y - s * flap), (it.x - s * 0.45, it.y - s * flap * 1.1), (it.x, it.y),
             (it.x + s * 0.45, it.y - s * flap * 1.1), (it.x + s, it.y - s * flap)], c, w)


def butterfly(sk, it, plan, rng):
    s = it.s
    c = it.colour or [plan.palette["accent"], (250, 180, 60), (120, 160, 240)][it.index % 3]
    for k in (-1, 1):
        sk.ellipse(it.x + k * s * 0.4, it.y - s * 0.3, s * 0.4, s * 0.35, c)
        sk.ellipse(it.x + k * s * 0.3, it.y + s * 0.25, s * 0.25, s * 0.22, scale(c, 0.8))
        sk.ellipse(it.x + k * s * 0.42, it.y - s * 0.3, s * 0.12, s * 0.12, mix(c, (255, 255, 255), 0.5))
    sk.line([(it.x, it.y - s * 0.45), (it.x, it.y + s * 0.45)], (40, 30, 30), max(1, s * 0.1))


def lantern(sk, it, plan, rng):
    s = it.s
    c = it.colour or (255, 170, 70)
    sk.glow(it.x, it.y, s * 2.2, c, 0.4)
    sk.poly([(it.x - s * 0.35, it.y - s * 0.5), (it.x + s * 0.35, it.y - s * 0.5), (it.x + s * 0.25, it.y + s * 0.5),
             (it.x - s * 0.25, it.y + s * 0.5)], c)
    sk.poly([(it.x - s * 0.15, it.y - s * 0.3), (it.x + s * 0.15, it.y - s * 0.3), (it.x + s * 0.1, it.y + s * 0.4),
             (it.x - s * 0.1, it.y + s * 0.4)], mix(c, (255, 250, 220), 0.6))


def fireflies(sk, it, plan, rng):
    c = it.colour or (230, 255, 120)
    n = max(10, it.count) * 2
    pts = []
    for _ in range(n):
        x, y = rng.uniform(0, plan.w), plan.horizon + rng.uniform(-0.2, 0.9) * (plan.h - plan.horizon)
        pts.append((x, y, rng.uniform(1.2, 2.4) * plan.w / 512))
        if len(pts) % 4 == 0:
            sk.glow(x, y, plan.w * 0.02, c, 0.5)
    sk.dots(pts, c)


def rocket(sk, it, plan, rng):
    s = it.s
    c = it.colour or (235, 235, 240)
    sk.poly([(it.x - s * 0.12, it.y + s * 0.5), (it.x - s * 0.04, it.y + s * 1.2), (it.x, it.y + s * 0.9),
             (it.x + s * 0.04, it.y + s * 1.2), (it.x + s * 0.12, it.y + s * 0.5)], (255, 160, 50))
    sk.glow(it.x, it.y + s * 0.7, s * 0.6, (255, 180, 80), 0.5)
    sk.poly([(it.x - s * 0.18, it.y + s * 0.5), (it.x - s * 0.18, it.y - s * 0.2), (it.x, it.y - s * 0.6),
             (it.x + s * 0.18, it.y - s * 0.2), (it.x + s * 0.18, it.y + s * 0.5)], c)
    for k in (-1, 1):
        sk.poly([(it.x + k * s * 0.18, it.y + s * 0.1), (it.x + k * s * 0.35, it.y + s * 0.55),
                 (it.x + k * s * 0.18, it.y + s * 0.5)], plan.palette["accent"])
    sk.ellipse(it.x, it.y - s * 0.1, s * 0.08, s * 0.08, (90, 160, 220))


def _quadruped(sk, it, plan, c, body, head, legs, ears, tail):
    s, d = it.s, _dir(it)
    bx, by = it.x, it.y - s * legs
    sk.ellipse(it.x, it.y, s * body * 0.9, s * 0.06, scale(plan.palette["grass2"], 0.7))
    for k in (-0.6, -0.3, 0.35, 0.6):
        lx = bx + k * s * body
        sk.line([(lx, by), (lx, it.y)], scale(c, 0.85), max(1, s * 0.07))
    sk.ellipse(bx, by - s * 0.1, s * body, s * 0.22, c)
    hx, hy = bx + d * s * body * 0.95, by - s * 0.28
    sk.line([(bx + d * s * body * 0.6, by - s * 0.1), (hx, hy)], c, max(1, s * 0.16))
    sk.ellipse(hx, hy, s * head, s * head * 0.85, c)
    for k in ears:
        sk.poly([(hx + k * s * 0.08, hy - s * head * 0.6), (hx + k * s * 0.12, hy - s * head * 1.7),
                 (hx + k * s * 0.16 + d * 0.01, hy - s * head * 0.4)], c)
    sk.ellipse(hx + d * s * head * 0.4, hy - s * head * 0.15, max(1, s * 0.025), max(1, s * 0.025), (20, 20, 25))
    tx = bx - d * s * body
    sk.line([(tx, by - s * 0.1), (tx - d * s * tail[0], by - s * tail[1])], c, max(1, s * 0.06))


def cat(sk, it, plan, rng):
    c = it.colour or [(240, 150, 60), (60, 60, 70), (235, 230, 220)][it.index % 3]
    _quadruped(sk, it, plan, c, 0.45, 0.2, 0.3, (-1, 1), (0.2, 0.45))


def dog(sk, it, plan, rng):
    c = it.colour or [(180, 120, 70), (230, 210, 170), (70, 55, 50)][it.index % 3]
    _quadruped(sk, it, plan, c, 0.5, 0.2, 0.35, (0.3,), (0.25, 0.3))


def deer(sk, it, plan, rng):
    c = it.colour or (170, 110, 60)
    _quadruped(sk, it, plan, c, 0.4, 0.13, 0.55, (-0.6, 0.6), (0.1, 0.15))
    s, d = it.s, _dir(it)
    hx, hy = it.x + d * s * 0.38, it.y - s * 0.83
    for k in (-1, 1):
        sk.line([(hx, hy - s * 0.1), (hx + k * s * 0.12, hy - s * 0.35), (hx + k * s * 0.2, hy - s * 0.42)],
                scale(c, 0.7), max(1, s * 0.03))


def rabbit(sk, it, plan, rng):
    s = it.s
    c = it.colour or (235, 230, 225)
    sk.ellipse(it.x, it.y - s * 0.3, s * 0.4, s * 0.3, c)
    hx = it.x + _dir(it) * s * 0.3
    sk.ellipse(hx, it.y - s * 0.62, s * 0.2, s * 0.18, c)
    for k in (-1, 1):
        sk.ellipse(hx + k * s * 0.08, it.y - s * 1.0, s * 0.06, s * 0.25, c)
    sk.ellipse(it.x - _dir(it) * s * 0.4, it.y - s * 0.35, s * 0.1, s * 0.1, (255, 255, 255))


def owl(sk, it, plan, rng):
    s = it.s
    c = it.colour or (140, 100, 70)
    y = it.y - s * 0.6
    sk.ellipse(it.x, y, s * 0.4, s * 0.55, c)
    sk.ellipse(it.x, y + s * 0.15, s * 0.28, s * 0.35, mix(c, (240, 220, 190), 0.5))
    for k in (-1, 1):
        sk.ellipse(it.x + k * s * 0.17, y - s * 0.2, s * 0.15, s * 0.15, (250, 240, 200))
        sk.ellipse(it.x + k * s * 0.17, y - s * 0.2, s * 0.06, s * 0.06, (20, 20, 20))
        sk.poly([(it.x + k * s * 0.15, y - s * 0.45), (it.x + k * s * 0.35, y - s * 0.7),
                 (it.x + k * s * 0.35, y - s * 0.4)], c)
    sk.poly([(it.x - s * 0.05, y - s * 0.08), (it.x + s * 0.05, y - s * 0.08), (it.x, y + s * 0.05)], (230, 160, 50))
    sk.line([(it.x - s * 0.5, it.y), (it.x + s * 0.5, it.y)], plan.palette["trunk"], max(2, s * 0.08))


def car(sk, it, plan, rng):
    s = it.s
    c = it.colour or plan.palette["accent"]
    sk.poly([(it.x - s * 0.7, it.y - s * 0.12), (it.x - s * 0.7, it.y - s * 0.4), (it.x + s * 0.7, it.y - s * 0.4),
             (it.x + s * 0.75, it.y - s * 0.12)], c)
    sk.poly([(it.x - s * 0.4, it.y - s * 0.4), (it.x - s * 0.25, it.y - s * 0.7), (it.x + s * 0.3, it.y - s * 0.7),
             (it.x + s * 0.45, it.y - s * 0.4)], scale(c, 0.9))
    sk.poly([(it.x - s * 0.3, it.y - s * 0.42), (it.x - s * 0.2, it.y - s * 0.64), (it.x + s * 0.25, it.y - s * 0.64),
             (it.x + s * 0.35, it.y - s * 0.42)], (170, 210, 235))
    for k in (-0.42, 0.45):
        sk.ellipse(it.x + k * s, it.y - s * 0.12, s * 0.15, s * 0.15, (30, 30, 35))
        sk.ellipse(it.x + k * s, it.y - s * 0.12, s * 0.06, s * 0.06, (180, 180, 185))


def train(sk, it, plan, rng):
    s = it.s
    c = it.colour or plan.palette["accent"]
    x = it.x - s * 1.5
    sk.line([(x - s * 0.2, it.y), (x + s * 3.4, it.y)], (70, 60, 55), max(2, s * 0.06))
    for k in range(3):
        x0 = x + k * s * 1.05
        col = c if k == 0 else scale(c, 0.85 + 0.1 * (k % 2))
        sk.poly([(x0, it.y - s * 0.1), (x0, it.y - s * 0.75), (x0 + s, it.y - s * 0.75), (x0 + s, it.y - s * 0.1)], col)
        for j in range(3):
            sk.poly([(x0 + s * (0.1 + j * 0.3), it.y - s * 0.6), (x0 + s * (0.3 + j * 0.3), it.y - s * 0.6),
                     (x0 + s * (0.3 + j * 0.3), it.y - s * 0.4), (x0 + s * (0.1 + j * 0.3), it.y - s * 0.4)],
                    plan.palette["window"])
        for j in (0.2, 0.8):
            sk.ellipse(x0 + s * j, it.y - s * 0.1, s * 0.1, s * 0.1, (40, 40, 45))
