"""Ink line art: bold brush outlines, tones built from hatching, cross-hatching and stippling, a light wash.

Every shape is drawn twice: its colour into a wash (self.im), and its darkness into a tone map. At the
end a threshold texture turns the tone into ink: light tones get stipple dots, middle tones one
direction of hatching, dark tones cross-hatching, the darkest dense hatching.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageChops, ImageDraw

from imagegen.base import N_

from .render import Renderer, gradient, opacity_mask, paper, radial

_TEXTURES: dict[tuple[int, int], Image.Image] = {}
_OUTLINE = 255  # tone of an inked line: above every threshold
_PAPER_T = 250  # threshold where the texture has no mark: fills (at most 230) never reach it


def hatch_texture(w: int, h: int) -> Image.Image:
    """The threshold map: a pixel is inked where the tone is above it. Built once per size."""
    key = (w, h)
    if key in _TEXTURES:
        return _TEXTURES[key]
    sp = max(4, round(min(w, h) / 80))
    lw = max(1, sp // 5)
    t = Image.new("L", (w, h), _PAPER_T)
    d = ImageDraw.Draw(t)
    # darkest first: later (lower) thresholds overwrite, so light tones show only the first marks
    for level, kind, off in ((215, "/", sp // 2), (180, "-", sp // 3), (140, "\\", 0), (85, "/", 0)):
        for k in range(-h // sp - 2, (w + h) // sp + 2):
            c = k * sp + off
            if kind == "/":
                d.line([(c, 0), (c - h, h)], fill=level, width=lw)
            elif kind == "\\":
                d.line([(c - h, 0), (c, h)], fill=level, width=lw)
            elif 0 <= c < h:
                d.line([(0, c), (w, c)], fill=level, width=lw)
    rng = random.Random(w * 7919 + h)
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    stipple = noise.point(lambda v: 30 if v < 5 else (48 if v < 9 else 255))
    t = ImageChops.darker(t, stipple)
    if len(_TEXTURES) > 6:
        _TEXTURES.clear()
    _TEXTURES[key] = t
    return t


def darkness(c, k: float = 0.9) -> int:
    """How much ink a colour needs, 0 (paper) .. 230."""
    lum = (c[0] * 299 + c[1] * 587 + c[2] * 114) // 1000
    return min(230, round((255 - lum) * k))


class Ink(Renderer):
    """Ink on warm paper: brush outlines, hatched and stippled tones, a pale wash of colour."""

    key, label = "ink", N_("Ink line art")
    supersample = 2

    def __init__(self, plan, seed):
        super().__init__(plan, seed)
        self.paper = (244, 236, 218)
        self.ink = (28, 26, 34)
        self.tone = Image.new("L", (self.iw, self.ih), 0)
        self.td = ImageDraw.Draw(self.tone)
        self.lw = max(1.0, min(self.iw, self.ih) / 300)

    def brush(self, pts, depth, closed=True, weight=1.0):
        """A calligraphic outline: thick on strokes running down-left, thin across them."""
        if closed:
            pts = pts + [pts[0]]
        base = self.lw * (0.6 + 1.6 * max(0.0, depth - 0.3)) * weight
        for a, b in zip(pts, pts[1:], strict=False):
            ang = math.atan2(b[1] - a[1], b[0] - a[0])
            w = max(1, round(base * (0.5 + 0.9 * abs(math.sin(ang - math.pi / 4)))))
            self.td.line([a, b], fill=_OUTLINE, width=w)
            if w >= 3:
                r = w / 2
                self.td.ellipse((b[0] - r, b[1] - r, b[0] + r, b[1] + r), fill=_OUTLINE)

    def do_grad(self, p):
        super().do_grad(p)
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        sky = y0 <= 0
        stops = [(t, (darkness(c, 0.4 if sky else 0.6),) * 3) for t, c in p.extra]
        column = gradient((1, y1 - y0), stops).convert("L")
        self.tone.paste(column.resize((max(1, x1 - x0), max(1, y1 - y0)), Image.Resampling.NEAREST), (x0, y0))

    def do_poly(self, p):
        super().do_poly(p)
        pts = self.P(p.pts)
        self.td.polygon(pts, fill=darkness(p.fill))
        if p.depth > 0.12 or len(pts) < 12:
            self.brush(pts, p.depth)

    def do_ellipse(self, p):
        super().do_ellipse(p)
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        if x1 - x0 < 1 or y1 - y0 < 1:
            return
        self.td.ellipse((x0, y0, x1, y1), fill=darkness(p.fill))
        if x1 - x0 > self.lw * 3:
            cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
            n = 10 if rx < 20 else 18
            self.brush([(cx + rx * math.cos(i * 2 * math.pi / n), cy + ry * math.sin(i * 2 * math.pi / n))
                        for i in range(n)],
                       p.depth, weight=0.8 if p.depth > 0.12 else 0.5)

    def do_line(self, p):
        super().do_line(p)
        self.td.line(self.P(p.pts), fill=_OUTLINE, width=max(1, round(p.width * self.k * 0.7)))

    def do_dots(self, p):
        super().do_dots(p)
        k, tone = self.k, darkness(p.fill)
        for x, y, r in p.pts:
            r = max(0.8, r * k * 0.8)
            self.td.ellipse((x * k - r, y * k - r, x * k + r, y * k + r), fill=tone if tone < 90 else _OUTLINE)

    def do_glow(self, p):
        super().do_glow(p)
        cx, cy, r = (v * self.k for v in p.pts)
        size = round(r * 2)
        if size >= 2:
            mask = radial(size).point(lambda v: int(v * min(1.0, p.extra * 1.3)))
            self.tone.paste(0, (round(cx - r), round(cy - r)), mask)

    def do_haze(self, p):
        super().do_haze(p)
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(self.iw, x1), min(self.ih, y1)
        if x1 > x0 and y1 > y0:
            self.tone.paste(darkness(p.fill, 0.5), (x0, y0, x1, y1), opacity_mask((x1 - x0, y1 - y0), p.extra))

    def finish(self):
        ink = ImageChops.subtract(self.tone, hatch_texture(self.iw, self.ih)).point(lambda v: 255 if v else 0)
        size = (self.plan.w, self.plan.h)
        ink = ink.reduce(self.supersample) if ink.size != size else ink
        wash = self.im.reduce(self.supersample) if self.im.size != size else self.im
        ink, wash = ink.resize(size), wash.resize(size)  # no-ops unless the size was odd
        wash = wash.point(lambda v: 255 - (255 - v) * 30 // 100)  # a pale wash of the real colours
        sheet = ImageChops.multiply(paper(size[0], size[1], self.seed, self.paper, 10, grain=3), wash)
        sheet.paste(self.ink, (0, 0), ink)
        return sheet

