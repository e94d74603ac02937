"""The base renderer: draws a sketch's primitives with ImageDraw at an internal resolution."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from imagegen.base import N_

from .palette import mix

_RADIAL = None


def radial(size: int) -> Image.Image:
    """An L mask, 255 at the centre fading to 0 at the edge, size x size."""
    global _RADIAL
    if _RADIAL is None:  # built once; deterministic
        g = Image.radial_gradient("L").resize((128, 128), Image.Resampling.BILINEAR)
        _RADIAL = g.point(lambda v: max(0, 255 - int(v * 1.42)) ** 2 // 255)
    return _RADIAL.resize((max(1, size), max(1, size)), Image.Resampling.BILINEAR)


def _row_stops(h: int, stops):
    """For each of h rows: the two (t, value) stops around it and how far between them (0..1)."""
    j = 0
    for y in range(h):
        t = y / max(1, h - 1)
        while j < len(stops) - 2 and t > stops[j + 1][0]:
            j += 1
        (t0, v0), (t1, v1) = stops[j], stops[min(j + 1, len(stops) - 1)]
        yield v0, v1, 0.0 if t1 == t0 else min(1.0, max(0.0, (t - t0) / (t1 - t0)))


def gradient(size: tuple[int, int], stops) -> Image.Image:
    """A vertical gradient image through the (t, rgb) stops."""
    w, h = max(1, size[0]), max(1, size[1])
    rows = bytearray()
    for c0, c1, k in _row_stops(h, stops):
        rows += bytes(mix(c0, c1, k))
    return Image.frombytes("RGB", (1, h), bytes(rows)).resize((w, h), Image.Resampling.NEAREST)


def opacity_mask(size: tuple[int, int], stops) -> Image.Image:
    """An L mask of the given size whose rows go through the (t, opacity) stops."""
    w, h = size
    rows = bytearray()
    for a0, a1, k in _row_stops(h, stops):
        rows.append(max(0, min(255, round(255 * (a0 + (a1 - a0) * k)))))
    return Image.frombytes("L", (1, h), bytes(rows)).resize((w, h), Image.Resampling.NEAREST)


def paper(w: int, h: int, seed: int, base, amount: int = 14, grain: int = 4) -> Image.Image:
    """A soft paper-grain texture made from seeded bytes (never Pillow's unseeded noise)."""
    rng = random.Random(seed)
    tw, th = max(2, w // grain), max(2, h // grain)
    noise = Image.frombytes("L", (tw, th), rng.randbytes(tw * th))
    noise = noise.resize((w, h), Image.Resampling.BICUBIC)
    lo = Image.new("RGB", (w, h), tuple(max(0, c - amount) for c in base))
    hi = Image.new("RGB", (w, h), tuple(min(255, c + amount // 2) for c in base))
    return Image.composite(hi, lo, noise)


class Renderer:
    """Flat vector rendering; styles subclass it and change how each primitive is drawn."""

    key = "flat"
    label = N_("Flat vector")
    scale = 1.0  # internal resolution relative to the output
    supersample = 2

    def __init__(self, plan, seed: int):
        self.plan = plan
        self.rng = random.Random(seed)
        self.seed = seed
        self.k = self.scale * self.supersample
        self.iw, self.ih = max(8, round(plan.w * self.k)), max(8, round(plan.h * self.k))
        self.im = Image.new("RGB", (self.iw, self.ih), plan.palette["horizon"])
        self.d = ImageDraw.Draw(self.im)

    # coordinate helpers
    def P(self, pts):
        k = self.k
        return [(x * k, y * k) for x, y in pts]

    def draw(self, group: str, prims) -> None:
        """Render one group of primitives (sky, far, near, details)."""
        for p in prims:
            getattr(self, "do_" + p.kind)(p)

    def colour(self, p, c):
        return c

    def do_grad(self, p):
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        self.im.paste(gradient((x1 - x0, y1 - y0), [(t, self.colour(p, c)) for t, c in p.extra]), (x0, y0))

    def do_poly(self, p):
        self.d.polygon(self.P(p.pts), fill=self.colour(p, p.fill))

    def do_ellipse(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        if x1 - x0 >= 0.5 and y1 - y0 >= 0.5:
            self.d.ellipse((x0, y0, x1, y1), fill=self.colour(p, p.fill))

    def do_line(self, p):
        self.d.line(self.P(p.pts), fill=self.colour(p, p.fill), width=max(1, round(p.width * self.k)), joint="curve")

    def do_dots(self, p):
        c = self.colour(p, p.fill)
        k = self.k
        for x, y, r in p.pts:
            r = max(0.5, r * k)
            self.d.ellipse((x * k - r, y * k - r, x * k + r, y * k + r), fill=c)

    def do_glow(self, p):
        cx, cy, r = (v * self.k for v in p.pts)
        size = round(r * 2)
        if size < 2:
            return
        mask = radial(size)
        if p.extra < 1:
            a = p.extra
            mask = mask.point(lambda v: int(v * a))
        self.im.paste(self.colour(p, p.fill), (round(cx - r), round(cy - r)), mask)

    def do_haze(self, p):
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(self.iw, x1), min(self.ih, y1)
        if x1 - x0 < 1 or y1 - y0 < 1:
            return
        self.im.paste(self.colour(p, p.fill), (x0, y0, x1, y1), opacity_mask((x1 - x0, y1 - y0), p.extra))

    def finish(self) -> Image.Image:
        """The final RGB image at the requested size."""
        im = self.im
        if self.supersample > 1 and self.scale == 1.0:
            im = im.reduce(self.supersample)
        if im.size != (self.plan.w, self.plan.h):
            im = im.resize((self.plan.w, self.plan.h), Image.Resampling.LANCZOS)
        return im
