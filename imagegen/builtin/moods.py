"""Moods painted into the scene: fog in layers, storm clouds, a dreamy glow, falling leaves and petals.

The palette already shifts the colours of a mood (palette.py); these add what colour alone cannot
show. Each hook is called by sketch_plan at a point in the drawing order.
"""

from __future__ import annotations

import math

from .palette import mix


def after_sky(sk, plan, rng) -> None:
    """Over the sky, before the land."""
    P, w, h, hz = plan.palette, plan.w, plan.h, plan.horizon
    moods = plan.moods
    if "stormy" in moods:  # a low ceiling of heavy clouds
        dark, mid = P["storm"], mix(P["storm"], P["horizon"], 0.35)
        for c, y0 in ((mid, 0.2), (dark, 0.08)):
            x = -w * 0.1
            while x < w * 1.1:
                r = w * rng.uniform(0.09, 0.16)
                sk.ellipse(x, hz * (y0 + rng.uniform(-0.05, 0.05)), r, r * 0.62, c)
                x += r * rng.uniform(1.0, 1.5)
        sk.poly([(0, 0), (w, 0), (w, hz * 0.08), (0, hz * 0.08)], dark)
    if "dreamy" in moods:  # soft pastel lights
        for c in ((255, 190, 225), (200, 180, 255), (255, 225, 190)):
            sk.glow(rng.uniform(0.1, 0.9) * w, rng.uniform(0.15, 0.8) * hz, w * rng.uniform(0.3, 0.45), c, 0.5)
    if "foggy" in moods:
        sk.haze((0, 0, w, hz + 2), P["fog"], [(0, 0.15), (0.7, 0.5), (1, 0.75)])
    if "calm" in moods:
        sk.haze((0, hz - h * 0.12, w, hz + 2), mix(P["horizon"], (255, 255, 255), 0.4), [(0, 0), (1, 0.35)])


def after_far(sk, plan, rng) -> None:
    """Over the far land (mountains, hills, city), before the ground things."""
    if "foggy" in plan.moods:  # the far layers fade into the haze
        h, hz = plan.h, plan.horizon
        sk.haze((0, hz - h * 0.45, plan.w, h), plan.palette["fog"], [(0, 0.0), (0.45, 0.45), (0.6, 0.35), (1, 0.1)])


def between_near(sk, plan, rng, depth: float) -> None:
    """Called once as the near things pass depth 0.72: fog between the middle and the front."""
    if "foggy" in plan.moods:
        h, hz = plan.h, plan.horizon
        sk.haze((0, hz - h * 0.3, plan.w, h), plan.palette["fog"], [(0, 0.0), (0.4, 0.4), (1, 0.08)])


def finish(sk, plan, rng) -> None:
    """Over everything."""
    P, w, h, hz = plan.palette, plan.w, plan.h, plan.horizon
    moods = plan.moods
    scale = w / 512
    if "dreamy" in moods:
        sparkles = [(rng.uniform(0, w), rng.uniform(0, h) ** 1.0, rng.choice((1.0, 1.4, 2.0)) * scale)
                    for _ in range(24)]
        sk.dots(sparkles, (255, 250, 235))
        for _ in range(6):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            sk.glow(x, y, 9 * scale, (255, 240, 250), 0.8)
        sk.haze((0, 0, w, h), (255, 215, 235), [(0, 0.22), (0.5, 0.12), (1, 0.22)])
    if "autumn" in moods:
        _falling(sk, plan, rng, [(220, 110, 40), (240, 170, 50), (180, 70, 40)], 36, 2.6 * scale, 1.4)
    if "spring" in moods:
        _falling(sk, plan, rng, [(255, 190, 215), (255, 225, 235)], 24, 2.0 * scale, 1.0)
    if "stormy" in moods:
        sk.haze((0, 0, w, h), P["storm"], [(0, 0.35), (0.5, 0.1), (1, 0.25)])
    if "gloomy" in moods:
        sk.haze((0, 0, w, h), (20, 25, 40), [(0, 0.45), (0.5, 0.15), (1, 0.5)])
    if "foggy" in moods:  # a last thin veil low over the ground
        sk.haze((0, hz, w, h), P["fog"], [(0, 0.15), (1, 0.0)])
    if "cheerful" in moods or "summer" in moods:
        sk.glow(w * 0.85, h * 0.05, w * 0.7, (255, 245, 200), 0.45)


def _falling(sk, plan, rng, colours, n, r, squash) -> None:
    """Leaves or petals drifting through the picture, in a few colours."""
    for c in colours:
        for _ in range(n // len(colours)):
            x, y = rng.uniform(0, plan.w), rng.uniform(plan.h * 0.05, plan.h)
            a = rng.uniform(0, math.pi)
            rx = r * rng.uniform(0.8, 1.5)
            pts = [(x + math.cos(a) * rx * math.cos(t) - math.sin(a) * rx / squash / 1.6 * math.sin(t),
                    y + math.sin(a) * rx * math.cos(t) + math.cos(a) * rx / squash / 1.6 * math.sin(t))
                   for t in (0, 1.6, 3.14, 4.7)]
            sk.poly(pts, c)
