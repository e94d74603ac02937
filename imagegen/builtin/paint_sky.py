"""Painters for the sky and the weather."""

from __future__ import annotations

import math

from .palette import hue_shift, mix, scale
from .sketch import ellipse_pts


def background(sk, plan, rng) -> None:
    """The sky gradient, from the top of the picture down to the horizon."""
    P = plan.palette
    sky = P["sky"]
    n = len(sky) - 1
    stops = [(i / n, c) for i, c in enumerate(sky)]
    sk.grad((0, 0, plan.w, plan.horizon + 2), stops)
    if plan.time in ("sunset", "dawn", "noon", "morning", "afternoon") and "sun" not in plan.concepts:
        sk.glow(plan.w * 0.5, plan.horizon, plan.w * 0.5, P["horizon"], 0.35)


def sun(sk, it, plan, rng) -> None:
    P = plan.palette
    c = it.colour or P["sun"]
    r = it.s
    sk.glow(it.x, it.y, r * 4.5, mix(c, P["horizon"], 0.3), 0.55)
    sk.glow(it.x, it.y, r * 2.0, c, 0.6)
    sk.ellipse(it.x, it.y, r, r, c)


def moon(sk, it, plan, rng) -> None:
    P = plan.palette
    c = it.colour or (250, 244, 220)
    r = it.s
    sk.glow(it.x, it.y, r * 4, mix(c, P["sky"][1], 0.5), 0.45)
    sk.ellipse(it.x, it.y, r, r, c)
    if rng.random() < 0.55:  # crescent: cover with a sky-coloured disc
        d = r * 0.55
        sk.ellipse(it.x + d * (1 if it.flip else -1), it.y - d * 0.4, r * 0.92, r * 0.92, P["sky"][1])
    else:
        for _ in range(3):
            a, dist = rng.uniform(0, 6.28), rng.uniform(0.1, 0.55) * r
            cr = r * rng.uniform(0.12, 0.22)
            sk.ellipse(it.x + dist * math.cos(a), it.y + dist * math.sin(a), cr, cr, scale(c, 0.9))


def stars(sk, it, plan, rng) -> None:
    P = plan.palette
    c = it.colour or (255, 250, 230)
    n = max(30, it.count * 7) * plan.w * plan.h // (512 * 512)
    small = [(rng.uniform(0, plan.w), rng.uniform(0, plan.horizon) ** 1.0 * rng.uniform(0.2, 1.0),
              rng.choice((0.8, 1.0, 1.2, 1.5))) for _ in range(n)]
    sk.dots(small, mix(c, P["sky"][1], 0.25))
    for _ in range(max(2, n // 12)):
        x, y = rng.uniform(0, plan.w), rng.uniform(0, plan.horizon * 0.75)
        r = rng.uniform(3, 6) * plan.w / 512
        sk.glow(x, y, r * 3, c, 0.4)
        sk.poly([(x, y - r * 1.6), (x + r * 0.3, y - r * 0.3), (x + r * 1.6, y), (x + r * 0.3, y + r * 0.3),
                 (x, y + r * 1.6), (x - r * 0.3, y + r * 0.3), (x - r * 1.6, y), (x - r * 0.3, y - r * 0.3)], c)


def clouds(sk, it, plan, rng) -> None:
    P = plan.palette
    c = it.colour and mix(it.colour, P["cloud"], 0.4) or P["cloud"]
    shade = mix(c, P["sky"][1], 0.3)
    w = it.s * rng.uniform(1.6, 2.4)
    x0, y = it.x - w / 2, it.y
    sk.ellipse(it.x, y + it.s * 0.05, w * 0.55, it.s * 0.22, shade)
    puffs = rng.randint(3, 5)
    for i in range(puffs):
        px = x0 + w * (i + 0.5) / puffs
        pr = it.s * rng.uniform(0.25, 0.42) * (1.2 if 0 < i < puffs - 1 else 0.85)
        sk.ellipse(px, y - pr * 0.35, pr, pr * 0.9, c)
    sk.poly([(x0 + w * 0.05, y), (x0 + w * 0.95, y), (x0 + w * 0.9, y + it.s * 0.16),
             (x0 + w * 0.1, y + it.s * 0.16)], c)


def rainbow(sk, it, plan, rng) -> None:
    cols = [(230, 60, 60), (245, 150, 50), (245, 220, 70), (90, 190, 90), (70, 140, 220), (120, 80, 190)]
    cx = it.x
    r0 = plan.w * rng.uniform(0.32, 0.45)
    band = r0 * 0.05
    for i, c in enumerate(cols):
        r = r0 - i * band
        pts = ellipse_pts(cx, plan.horizon, r, r * 0.95, 28, math.pi, 2 * math.pi)
        sk.line(pts, mix(c, plan.palette["horizon"], 0.25), band * 1.1)


def aurora(sk, it, plan, rng) -> None:
    cols = [it.colour or (80, 240, 160), (110, 200, 240), (190, 110, 230)]
    for b in range(3):
        y = plan.horizon * rng.uniform(0.15, 0.45)
        pts = []
        for i in range(13):
            x = plan.w * i / 12
            pts.append((x, y + math.sin(i * 0.7 + b * 2 + rng.random()) * plan.h * 0.05))
        c = cols[b % 3]
        height = plan.h * rng.uniform(0.08, 0.16)
        for k in range(4):
            top = [(x, yy - height * (1 - k / 4)) for x, yy in pts]
            sk.glow(plan.w * (0.2 + 0.3 * b), y, plan.w * 0.3, c, 0.18)
            sk.poly(top + [(x, yy + 2) for x, yy in reversed(pts)], mix(c, plan.palette["sky"][1], 0.25 + k * 0.18))


def comet(sk, it, plan, rng) -> None:
    c = it.colour or (255, 245, 210)
    ang = rng.uniform(0.35, 0.7) * (1 if it.flip else -1)
    ln = plan.w * rng.uniform(0.2, 0.35)
    tx, ty = it.x - math.copysign(math.cos(abs(ang)) * ln, ang), it.y - math.sin(abs(ang)) * ln
    sk.poly([(it.x, it.y - it.s * 0.12), (tx, ty), (it.x, it.y + it.s * 0.12)], mix(c, plan.palette["sky"][1], 0.5))
    sk.line([(it.x, it.y), (tx, ty)], c, max(1, it.s * 0.05))
    sk.glow(it.x, it.y, it.s * 0.8, c, 0.7)
    sk.ellipse(it.x, it.y, it.s * 0.14, it.s * 0.14, c)


def planet(sk, it, plan, rng) -> None:
    c = it.colour or hue_shift((220, 150, 100), rng.random())
    r = it.s * 1.4
    tilt = rng.uniform(0.2, 0.4)
    ring = mix(c, (255, 255, 255), 0.4)
    sk.line(ellipse_pts(it.x, it.y, r * 2, r * tilt, 20, math.pi, 2 * math.pi), ring, r * 0.12)
    sk.ellipse(it.x, it.y, r, r, c)
    sk.ellipse(it.x - r * 0.2, it.y - r * 0.25, r * 0.55, r * 0.18, mix(c, (255, 255, 255), 0.25))
    sk.line(ellipse_pts(it.x, it.y, r * 2, r * tilt, 20, 0, math.pi), ring, r * 0.12)


def galaxy(sk, it, plan, rng) -> None:
    c = it.colour or (200, 150, 255)
    cx, cy = plan.w * rng.uniform(0.3, 0.7), plan.horizon * rng.uniform(0.3, 0.5)
    sk.glow(cx, cy, plan.w * 0.45, c, 0.35)
    sk.glow(cx, cy, plan.w * 0.12, (255, 230, 240), 0.6)
    pts = []
    for i in range(260):
        arm = i % 2
        t = rng.random() ** 0.7
        a = t * 5 + arm * math.pi + rng.gauss(0, 0.25)
        rr = t * plan.w * 0.32
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a) * 0.45, rng.choice((0.7, 1.0, 1.4))))
    sk.dots(pts, (255, 240, 250))


def rain(sk, it, plan, rng) -> None:
    c = mix(plan.palette["cloud"], (200, 210, 230), 0.5)
    n = 120 * plan.w * plan.h // (512 * 512)
    ln = plan.h * 0.04
    for _ in range(n):
        x, y = rng.uniform(-20, plan.w), rng.uniform(0, plan.h)
        sk.line([(x, y), (x + ln * 0.25, y + ln)], c, 1)


def snow(sk, it, plan, rng) -> None:
    n = 160 * plan.w * plan.h // (512 * 512)
    pts = [(rng.uniform(0, plan.w), rng.uniform(0, plan.h), rng.choice((1.0, 1.5, 2.0, 2.8))) for _ in range(n)]
    sk.dots(pts, it.colour or (250, 250, 255))


def lightning(sk, it, plan, rng) -> None:
    c = it.colour or (255, 250, 200)
    x, y = plan.w * rng.uniform(0.25, 0.75), 0.0
    pts = [(x, y)]
    while y < plan.horizon:
        x += rng.uniform(-0.06, 0.06) * plan.w
        y += rng.uniform(0.05, 0.12) * plan.h
        pts.append((x, min(y, plan.horizon)))
    sk.glow(pts[len(pts) // 2][0], plan.horizon * 0.5, plan.w * 0.3, c, 0.3)
    sk.line(pts, c, max(2, plan.w / 170))
