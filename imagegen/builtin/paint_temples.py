"""Painters for sacred buildings: a Javanese candi (Prambanan-like) and a pagoda; (x, y) is the base, s the height."""

from __future__ import annotations

import math

from .paint_near import _fog, shadow
from .palette import mix, scale
from .sketch import ellipse_pts


def _rect(sk, x0, y0, x1, y1, c):
    sk.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], c)


def _ratna(sk, x, y, r, c):
    """A small bell-shaped finial (ratna / stupika) standing on (x, y)."""
    sk.poly(ellipse_pts(x, y, r, r * 1.25, 8, math.pi, 2 * math.pi), c)
    sk.poly([(x - r * 0.35, y - r * 1.1), (x, y - r * 2.3), (x + r * 0.35, y - r * 1.1)], c)


def _candi(sk, x, y, s, c, door):
    """One candi: a stepped plinth with stairs, a body with a niche, a tiered roof with finials, a spire."""
    lit, shade, dark = scale(c, 1.08), scale(c, 0.78), scale(c, 0.55)
    # plinth in two steps, with a staircase up the middle
    for hw, y0, y1 in ((0.44, 0, 0.07), (0.37, 0.07, 0.14)):
        _rect(sk, x - hw * s, y - y1 * s, x + hw * s, y - y0 * s, c)
        _rect(sk, x + hw * s * 0.45, y - y1 * s, x + hw * s, y - y0 * s, shade)
        sk.line([(x - hw * s, y - y1 * s), (x + hw * s, y - y1 * s)], lit, max(1, s * 0.012))
    sk.poly([(x - s * 0.09, y), (x - s * 0.06, y - s * 0.16), (x + s * 0.06, y - s * 0.16), (x + s * 0.09, y)], dark)
    for k in range(4):
        yy = y - s * (0.02 + 0.037 * k)
        sk.line([(x - s * 0.085 + k * s * 0.006, yy), (x + s * 0.085 - k * s * 0.006, yy)], shade, max(1, s * 0.008))
    # the body, with a pointed niche (the door) and a cornice
    b0, b1 = y - s * 0.14, y - s * 0.43
    _rect(sk, x - s * 0.22, b1, x + s * 0.22, b0, c)
    _rect(sk, x + s * 0.1, b1, x + s * 0.22, b0, shade)
    sk.poly([(x - s * 0.055, b0), (x - s * 0.055, b0 - s * 0.17), (x, b0 - s * 0.22), (x + s * 0.055, b0 - s * 0.17),
             (x + s * 0.055, b0)], door)
    _rect(sk, x - s * 0.26, b1 - s * 0.035, x + s * 0.26, b1, lit)
    _rect(sk, x + s * 0.12, b1 - s * 0.035, x + s * 0.26, b1, c)
    # the roof: four receding tiers, each crowned with finials at the corners and the middle
    top = b1 - s * 0.035
    hw = s * 0.21
    for k in range(4):
        th = s * (0.085 - 0.01 * k)
        _rect(sk, x - hw, top - th, x + hw, top, c)
        _rect(sk, x + hw * 0.45, top - th, x + hw, top, shade)
        sk.line([(x - hw, top - th), (x + hw, top - th)], lit, max(1, s * 0.01))
        r = s * (0.028 - 0.004 * k)
        for fx in (-hw * 0.92, hw * 0.92, 0) if k < 3 else (-hw * 0.9, hw * 0.9):
            _ratna(sk, x + fx, top - th, r, shade if fx > 0 else c)
        top -= th
        hw *= 0.76
    # the crowning stupa and spire
    sk.poly(ellipse_pts(x, top, hw * 1.05, hw * 1.1, 10, math.pi, 2 * math.pi), c)
    sk.poly([(x, top), (x + hw * 1.05, top), (x + hw * 0.8, top - hw * 0.75), (x, top - hw * 1.1)], shade)
    sk.poly([(x - hw * 0.35, top - hw), (x, y - s), (x + hw * 0.35, top - hw)], c)


def temple(sk, it, plan, rng):
    """A Javanese candi: a tall stepped stone tower, flanked by two small shrines when it stands alone."""
    P, s = plan.palette, it.s
    c = _fog(it.colour or mix(P["stone"], (150, 120, 100), 0.5), plan, it)
    door = _fog(scale(mix(P["stone"], (60, 45, 40), 0.7), 0.6), plan, it)
    shadow(sk, it, plan, s * 0.5)
    if it.count == 1 and s > plan.h * 0.12:  # perwara shrines behind, like Prambanan's courtyard
        for side in (-1, 1):
            _candi(sk, it.x + side * s * 0.52, it.y - s * 0.04, s * 0.5, mix(c, plan.palette["horizon"], 0.15), door)
    _candi(sk, it.x, it.y, s, c, door)


def pagoda(sk, it, plan, rng):
    """A pagoda: a pillar of stacked roofs with upturned eaves and a slim spire."""
    P, s = plan.palette, it.s
    wall = _fog(it.colour or (200, 70, 50), plan, it)
    roof = _fog(mix(P["roof"], (50, 55, 65), 0.6), plan, it)
    shadow(sk, it, plan, s * 0.4)
    _rect(sk, it.x - s * 0.3, it.y - s * 0.05, it.x + s * 0.3, it.y, _fog(P["stone"], plan, it))
    y = it.y - s * 0.05
    hw = s * 0.16
    for k in range(5):
        fh = s * (0.12 - 0.012 * k)
        _rect(sk, it.x - hw, y - fh, it.x + hw, y, wall)
        _rect(sk, it.x - hw * 0.3, y - fh * 0.8, it.x + hw * 0.3, y, scale(wall, 0.55))
        y -= fh
        ew = hw * 2.1
        sk.poly([(it.x - ew, y - s * 0.035), (it.x - ew * 0.8, y + s * 0.005), (it.x + ew * 0.8, y + s * 0.005),
                 (it.x + ew, y - s * 0.035), (it.x + hw * 0.9, y - s * 0.06), (it.x - hw * 0.9, y - s * 0.06)], roof)
        y -= s * 0.06
        hw *= 0.86
    sk.line([(it.x, y), (it.x, it.y - s)], roof, max(1, s * 0.02))
    for k in range(4):
        sk.ellipse(it.x, y - (y - (it.y - s)) * (0.2 + 0.16 * k), s * 0.03 * (1 - 0.15 * k), s * 0.012, roof)
