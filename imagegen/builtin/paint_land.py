"""Painters for the ground, water and the far landscape."""

from __future__ import annotations

import math

from .palette import mix, scale
from .sketch import ellipse_pts, ridge, wave_line

WATER = ("ocean", "beach", "waves")


def plane(sk, plan, rng) -> None:
    """The ground from the horizon down: water, sand, snow, street, terraces or grass."""
    P, w, h, hz = plan.palette, plan.w, plan.h, plan.horizon
    g = plan.ground
    if g in WATER:
        far, near = mix(P["water2"], P["horizon"], 0.5), mix(P["water"], P["sky"][0], 0.3)
        sk.grad((0, hz, w, h), [(0, far), (1, scale(near, 0.85))])
        _reflection(sk, plan, rng)
        for i in range(14):  # sparkle lines, denser near the horizon
            t = (i + rng.random()) / 14
            y = hz + (h - hz) * t * t
            x = rng.uniform(0, w)
            ln = w * (0.03 + 0.1 * t)
            sk.line([(x, y), (x + ln, y)], mix(far, (255, 255, 255), 0.35), max(1, h * 0.003 * (1 + 2 * t)))
        if plan.shore:
            left = plan.shore == "left"
            x0, x1 = (0, w * 0.45) if left else (w, w * 0.55)
            pts = [(x0, hz + (h - hz) * 0.35)]
            for i in range(1, 9):
                t = i / 8
                pts.append((x0 + (x1 - x0) * (0.6 + 0.4 * math.sin(t * 2.6)), hz + (h - hz) * (0.35 + 0.65 * t)))
            pts.append((x0, h))
            sk.poly(pts, P["sand"])
            sk.poly([(x0, hz + (h - hz) * 0.45)] + pts[2:-1] + [(x0, h)], mix(P["grass"], P["sand"], 0.25))
        return
    if g in ("desert", "dunes"):
        top, bottom = mix(P["sand2"], P["horizon"], 0.4), P["sand"]
    elif g == "snowfield":
        top, bottom = mix(P["snow"], P["horizon"], 0.3), P["snow"]
    elif g == "street":
        top, bottom = mix(P["stone"], P["horizon"], 0.4), scale(P["stone"], 0.8)
    else:
        top, bottom = mix(P["grass"], P["horizon"], 0.35), P["grass2"]
    sk.grad((0, hz, w, h), [(0, top), (1, bottom)])
    if g == "rice_terraces":
        _terraces(sk, plan, rng)
    elif g not in ("street",):  # rolling bands give the ground depth
        for i in range(3):
            t = 0.25 + i * 0.28
            y = hz + (h - hz) * t
            pts = wave_line(rng, -10, w + 10, y, (h - hz) * 0.05, 10) + [(w + 10, h), (-10, h)]
            sk.poly(pts, mix(top, bottom, min(1, t + 0.25)) if i % 2 == 0 else mix(bottom, top, 0.2))


def _reflection(sk, plan, rng) -> None:
    P = plan.palette
    for name in ("sun", "moon"):
        if name in plan.concepts and name not in ("",):
            c = P["sun"] if name == "sun" else (250, 240, 210)
            x = plan.w * 0.5
            for it in getattr(plan, "items", []):
                if it.concept == name:
                    x = it.x
                    break
            for i in range(7):
                y = plan.horizon + (plan.h - plan.horizon) * (i + 0.5) / 8
                half = plan.w * (0.06 - i * 0.005)
                sk.line([(x - half, y), (x + half, y)], mix(c, P["water2"], 0.3 + i * 0.08), max(1, plan.h * 0.006))


def _terraces(sk, plan, rng) -> None:
    P, w, h, hz = plan.palette, plan.w, plan.h, plan.horizon
    n = 7
    for i in range(n):
        t0 = (i / n) ** 1.3
        y = hz + (h - hz) * t0
        green = mix(P["grass"], (150, 200, 80), (i % 2) * 0.4)
        pts = wave_line(rng, -10, w + 10, y, (h - hz) * 0.04, 12)
        sk.poly(pts + [(w + 10, h), (-10, h)], scale(green, 0.85 + 0.05 * (i % 3)))
        sk.line(pts, mix(P["water2"], P["horizon"], 0.3), max(1, h * 0.004 * (1 + t0 * 2)))


def ground_feature(sk, it, plan, rng) -> None:
    """Features on the ground plane: lake, river, road, field, meadow, garden, beach, waves, dunes."""
    P, w, h, hz = plan.palette, plan.w, plan.h, plan.horizon
    c = it.concept
    depth_h = h - hz
    if c == "lake" and plan.ground not in WATER:
        cy, rx, ry = it.y, it.s, it.extra or depth_h * 0.17
        sk.ellipse(it.x, cy, rx * 1.04, ry * 1.18, scale(P["grass2"], 0.8))
        sk.ellipse(it.x, cy, rx, ry, it.colour or mix(P["water2"], P["horizon"], 0.3))
        sk.ellipse(it.x, cy + ry * 0.18, rx * 0.8, ry * 0.6, mix(P["water"], P["horizon"], 0.2))
        for k in range(3):  # glints
            y = cy - ry * 0.3 + k * ry * 0.3
            x0 = it.x + rx * rng.uniform(-0.5, 0.2)
            sk.line([(x0, y), (x0 + rx * rng.uniform(0.15, 0.3), y)], mix(P["water2"], (255, 255, 255), 0.5),
                    max(1, h * 0.004))
    elif c == "river":
        pts_l, pts_r = [], []
        x = w * rng.uniform(0.4, 0.6)
        for i in range(11):
            t = i / 10
            y = hz + depth_h * t
            x += rng.uniform(-0.06, 0.06) * w
            half = w * (0.01 + 0.2 * t * t)
            pts_l.append((x - half, y))
            pts_r.append((x + half, y))
        col = it.colour or mix(P["water2"], P["horizon"], 0.25)
        sk.poly(pts_l + list(reversed(pts_r)), col)
        sk.poly(pts_l[5:] + list(reversed([(a + (b - a) * 0.3, y)
                                           for (a, y), (b, _) in zip(pts_l[5:], pts_r[5:], strict=True)])),
                mix(col, (255, 255, 255), 0.2))
    elif c in ("road", "street") or c == "road":
        col = it.colour or scale(P["stone"], 0.7)
        x = it.x
        sk.poly([(x - w * 0.01, hz), (x + w * 0.01, hz), (x + w * 0.35, h), (x - w * 0.35, h)], col)
        for i in range(6):
            t0, t1 = (i / 6) ** 1.6, ((i + 0.5) / 6) ** 1.6
            sk.poly([(x - 1 - 6 * t0, hz + depth_h * t0), (x + 1 + 6 * t0, hz + depth_h * t0),
                     (x + 1 + 6 * t1, hz + depth_h * t1), (x - 1 - 6 * t1, hz + depth_h * t1)], (240, 230, 200))
    elif c == "field":
        col = it.colour or mix(P["grass"], P["accent2"], 0.35)
        for i in range(14):
            xb = w * (i / 13 * 1.6 - 0.3)
            sk.line([(w * 0.5 + (xb - w * 0.5) * 0.08, hz + 2), (xb, h)], scale(col, 0.8 + 0.25 * (i % 2)),
                    max(2, w * 0.02))
    elif c in ("meadow", "garden"):
        cols = [it.colour or P["flower"], P["flower2"], P["blossom"], (250, 250, 250)]
        pts_by = {k: [] for k in range(4)}
        n = 140 * w // 512
        for _ in range(n):
            t = rng.random()
            pts_by[rng.randrange(4)].append((rng.uniform(0, w), hz + depth_h * t, 1 + t * w / 170))
        if c == "garden":
            for i in range(5):
                x = w * (i + rng.random()) / 5
                y = hz + depth_h * rng.uniform(0.5, 0.9)
                r = w * 0.05
                sk.ellipse(x, y, r * 1.3, r, P["foliage"])
                sk.ellipse(x - r * 0.3, y - r * 0.3, r * 0.7, r * 0.5, P["foliage2"])
        for k in range(4):
            sk.dots(pts_by[k], cols[k])
    elif c == "beach":
        col = it.colour or P["sand"]
        pts = wave_line(rng, -10, w + 10, hz + depth_h * 0.55, depth_h * 0.05, 10)
        sk.poly(pts + [(w + 10, h), (-10, h)], col)
        sk.line([(x, y - 2) for x, y in pts], (250, 250, 245), max(2, h * 0.008))
    elif c == "waves":
        for i in range(6):
            y = hz + depth_h * (0.15 + i * 0.15)
            pts = wave_line(rng, -10, w + 10, y, depth_h * 0.025, 16)
            sk.poly(pts + [(w + 10, y + depth_h * 0.2), (-10, y + depth_h * 0.2)], scale(P["water"], 0.9 + 0.04 * i))
            sk.line(pts, mix(P["water2"], (255, 255, 255), 0.6), max(2, h * 0.006))
    elif c in ("dunes", "desert"):
        for i in range(3):
            y = hz + depth_h * (0.1 + 0.3 * i)
            cx = w * rng.uniform(0.1, 0.9)
            pts = [(x, y - depth_h * 0.15 * math.exp(-((x - cx) / (w * 0.3)) ** 2)) for x in range(-10, w + 30, 30)]
            sk.poly(pts + [(w + 10, h), (-10, h)], mix(P["sand"], P["sand2"], 0.3 + 0.3 * (i % 2)))
            sk.poly(pts[: len(pts) // 2] + [(cx, y + depth_h * 0.1)], scale(P["sand2"], 0.9))
    elif c == "ocean" and plan.ground not in WATER:
        sk.poly([(0, hz), (w, hz), (w, hz + depth_h * 0.3), (0, hz + depth_h * 0.3)], P["water"])


def mountains(sk, it, plan, rng) -> None:
    P, w, hz = plan.palette, plan.w, plan.horizon
    base_c = it.colour or P["far"]
    layers = 2 if it.count <= 2 else 3
    for k in range(layers):
        t = k / max(1, layers - 1)
        top = hz - plan.h * (0.35 - 0.12 * t) * min(1.5, it.s / min(plan.w, plan.h))
        c = mix(base_c, P["mid"], t) if not it.colour else mix(mix(base_c, P["horizon"], 0.4), base_c, t)
        n = max(2, it.count + k)
        pts = ridge(rng, -20, w + 20, hz + 1, top, n, 0.45)
        sk.poly(pts, c)
        if k == 0 or "winter" in plan.moods:  # snow caps on the peaks
            snow = mix((250, 250, 255), P["horizon"], 0.25)
            for i in range(1, len(pts) - 1):
                x, y = pts[i]
                if y < top + (hz - top) * 0.25 and pts[i - 1][1] > y and pts[i + 1][1] > y:
                    d = (hz - y) * 0.18
                    lx = x + (pts[i - 1][0] - x) * d / max(1, pts[i - 1][1] - y)
                    rx = x + (pts[i + 1][0] - x) * d / max(1, pts[i + 1][1] - y)
                    sk.poly([(x, y), (rx, y + d), (x + (rx - x) * 0.3, y + d * 0.7), (x, y + d),
                             (lx, y + d)], snow)
        shade = scale(c, 0.85)
        for i in range(1, len(pts) - 1):  # shaded right flanks
            x, y = pts[i]
            if pts[i - 1][1] > y and pts[i + 1][1] > y:
                sk.poly([(x, y), pts[i + 1], (x + (pts[i + 1][0] - x) * 0.2, hz + 1)], shade)


def hills(sk, it, plan, rng) -> None:
    P, w, hz = plan.palette, plan.w, plan.horizon
    n = max(2, min(it.count, 5))
    for k in range(n):
        t = k / max(1, n - 1)
        c = it.colour and mix(it.colour, P["grass"], t * 0.5) or mix(mix(P["grass"], P["horizon"], 0.45), P["grass"], t)
        cx = w * rng.uniform(0, 1)
        rx = w * rng.uniform(0.35, 0.6)
        ry = plan.h * rng.uniform(0.1, 0.18) * (1 - 0.3 * t)
        base = hz + (plan.h - hz) * 0.12 * t
        sk.poly(ellipse_pts(cx, base, rx, ry, 20, math.pi, 2 * math.pi) + [(cx + rx, base + 3), (cx - rx, base + 3)], c)


def volcano(sk, it, plan, rng) -> None:
    P, hz = plan.palette, plan.horizon
    s = it.s * 1.2
    c = it.colour or mix((90, 70, 70), P["far"], 0.35)
    top = hz - s
    sk.glow(it.x, top, s * 0.6, (255, 120, 40), 0.5)
    smoke = mix((120, 110, 110), P["sky"][1], 0.4)
    for i in range(5):
        sk.ellipse(it.x + (i * 0.22 - 0.2) * s * (1 if it.flip else -1), top - s * (0.18 + i * 0.17),
                   s * (0.12 + i * 0.05), s * (0.1 + i * 0.04), smoke)
    sk.poly([(it.x - s * 1.6, hz + 1), (it.x - s * 0.18, top), (it.x + s * 0.18, top), (it.x + s * 1.6, hz + 1)], c)
    sk.poly([(it.x + s * 0.18, top), (it.x + s * 1.6, hz + 1), (it.x + s * 0.4, hz + 1)], scale(c, 0.8))
    lava = (255, 110, 40)
    sk.poly([(it.x - s * 0.18, top), (it.x + s * 0.18, top), (it.x + s * 0.05, top + s * 0.5),
             (it.x + s * 0.12, top + s * 0.8), (it.x - s * 0.02, top + s * 0.45)], lava)


def forest(sk, it, plan, rng) -> None:
    P, w, hz = plan.palette, plan.w, plan.horizon
    for row in range(2):
        c = it.colour and mix(it.colour, P["foliage"], 0.3 * row) or mix(P["foliage"], P["horizon"], 0.45 - row * 0.3)
        base = hz + (plan.h - hz) * 0.06 * row
        x = -10.0
        while x < w + 10:
            th = plan.h * rng.uniform(0.06, 0.12) * (1 + row * 0.3)
            tw = th * 0.45
            sk.poly([(x - tw, base + 2), (x, base - th), (x + tw, base + 2)], scale(c, rng.uniform(0.9, 1.08)))
            x += tw * rng.uniform(0.8, 1.3)
        sk.poly([(-10, base), (w + 10, base), (w + 10, base + plan.h * 0.02), (-10, base + plan.h * 0.02)], c)


def city(sk, it, plan, rng) -> None:
    P, w, hz = plan.palette, plan.w, plan.horizon
    tall = it.concept == "skyline"
    win = P["window"]
    for row in range(2):
        c = it.colour and mix(it.colour, P["mid"], 0.5 - row * 0.3) or mix(P["mid"], P["horizon"], 0.5 - row * 0.35)
        x = -5.0
        while x < w:
            bw = w * rng.uniform(0.04, 0.09)
            bh = plan.h * rng.uniform(0.08, 0.3 if tall else 0.18) * (1.15 - row * 0.3) * it.s / min(plan.w, plan.h)
            sk.poly([(x, hz + 2), (x, hz - bh), (x + bw, hz - bh), (x + bw, hz + 2)], scale(c, rng.uniform(0.9, 1.1)))
            if rng.random() < 0.25:
                sk.line([(x + bw / 2, hz - bh), (x + bw / 2, hz - bh - bh * 0.15)], c, 2)
            if row == 1:
                for wy in range(int(bh // (plan.h * 0.03))):
                    if rng.random() < (0.55 if P["night"] else 0.3):
                        y = hz - bh + plan.h * 0.015 + wy * plan.h * 0.03
                        sk.poly([(x + bw * 0.2, y), (x + bw * 0.8, y), (x + bw * 0.8, y + plan.h * 0.01),
                                 (x + bw * 0.2, y + plan.h * 0.01)], win)
            x += bw + w * rng.uniform(0.0, 0.015)


def waterfall(sk, it, plan, rng) -> None:
    P, hz = plan.palette, plan.horizon
    s = it.s * 1.4
    rock = it.colour and mix(it.colour, P["rock"], 0.5) or mix(P["rock"], P["far"], 0.3)
    x = it.x
    sk.poly([(x - s * 1.2, hz + s * 0.3), (x - s * 1.0, hz - s), (x - s * 0.2, hz - s * 1.1),
             (x + s * 0.2, hz - s * 1.1), (x + s * 1.1, hz - s * 0.9), (x + s * 1.3, hz + s * 0.3)], rock)
    sk.poly([(x - s * 1.0, hz - s), (x - s * 0.2, hz - s * 1.1), (x - s * 0.6, hz - s * 0.8)], P["foliage"])
    water = mix(P["water2"], (255, 255, 255), 0.55)
    sk.poly([(x - s * 0.2, hz - s * 1.1), (x + s * 0.2, hz - s * 1.1), (x + s * 0.28, hz + s * 0.3),
             (x - s * 0.28, hz + s * 0.3)], water)
    for i in range(4):
        xx = x - s * 0.15 + i * s * 0.1
        sk.line([(xx, hz - s * 1.05), (xx + s * 0.03, hz + s * 0.28)], (255, 255, 255), max(1, s * 0.02))
    sk.ellipse(x, hz + s * 0.32, s * 0.5, s * 0.1, (250, 250, 255))
    sk.ellipse(x, hz + s * 0.33, s * 0.8, s * 0.12, mix(P["water2"], (255, 255, 255), 0.3))


def island(sk, it, plan, rng) -> None:
    P, hz = plan.palette, plan.horizon
    s = it.s
    y = hz + (plan.h - hz) * 0.12
    sk.ellipse(it.x, y, s * 1.3, s * 0.12, P["sand"])
    green = it.colour or mix(P["foliage"], P["horizon"], 0.2)
    sk.poly(ellipse_pts(it.x, y, s * 1.1, s * 0.45, 16, math.pi, 2 * math.pi), green)
    sk.poly(ellipse_pts(it.x + s * 0.2, y, s * 0.6, s * 0.6, 12, math.pi, 2 * math.pi), scale(green, 0.85))
    for k in (-1, 1):  # two palms
        bx = it.x + k * s * 0.35
        top = (bx + k * s * 0.1, y - s * 0.9)
        sk.line([(bx, y - s * 0.3), top], P["trunk"], max(2, s * 0.05))
        for a in range(5):
            ang = math.pi * (1.1 + a * 0.2)
            sk.poly([top, (top[0] + math.cos(ang) * s * 0.35, top[1] + math.sin(ang) * s * 0.12 + s * 0.12),
                     (top[0] + math.cos(ang) * s * 0.2, top[1] + s * 0.02)], P["foliage"])
