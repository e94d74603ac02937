"""Paper-cut: the scene as stacked layers of coloured card, each casting a soft shadow on the ones behind.

Shapes are grouped into layers by depth; before a layer is glued on, its silhouette is drawn as a
blurred shadow offset down and right (further for nearer layers, as if they stood off the page).
Cut edges catch the light, and the whole sheet gets a fibrous card texture.
"""

from __future__ import annotations

import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from imagegen.base import N_

from .palette import hue_shift, mix
from .render import Renderer, gradient, paper


def _fibres(w: int, h: int, seed: int) -> Image.Image:
    """Card texture: soft grain plus short pale and dark fibres, as an RGB multiply layer."""
    tex = paper(w, h, seed, (246, 246, 246), 18, grain=3).point(lambda v: min(255, v + 9))
    d = ImageDraw.Draw(tex)
    rng = random.Random(seed ^ 0x5EED)
    for _ in range(w * h // 900):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        dx, dy = rng.uniform(-1, 1) * w / 90, rng.uniform(-1, 1) * w / 90
        c = 255 if rng.random() < 0.5 else 228
        d.line([(x, y), (x + dx, y + dy)], fill=(c, c, c), width=1)
    return tex


class PaperCut(Renderer):
    """Layers of cut card in soft colours, with drop shadows and a fibrous paper texture."""

    key, label = "papercut", N_("Paper-cut")
    supersample = 1

    def __init__(self, plan, seed):
        super().__init__(plan, seed)
        self.q = 4
        self.layer = None
        self.pending = []
        self.edge = max(1, round(self.iw / 300))

    def paper_colour(self, c):
        return mix(hue_shift(c, 0, 0.75), (250, 240, 225), 0.14)

    def colour(self, p, c):
        return self.paper_colour(c)

    def flush(self):
        if not self.pending:
            return
        q = self.q
        mask = Image.new("L", (self.iw // q + 1, self.ih // q + 1))
        md = ImageDraw.Draw(mask)
        depth = self.pending[0].depth
        off = max(1.0, self.iw / 110) * (0.5 + depth) / q  # nearer layers stand further off the page
        for p in self.pending:
            if p.kind == "poly":
                md.polygon([(x * self.k / q + off, y * self.k / q + off * 1.4) for x, y in p.pts], fill=150)
            elif p.kind == "ellipse":
                x0, y0, x1, y1 = (v * self.k / q for v in p.pts)
                if x1 - x0 >= 0.5:
                    md.ellipse((x0 + off, y0 + off * 1.4, x1 + off, y1 + off * 1.4), fill=150)
        mask = mask.filter(ImageFilter.GaussianBlur(1.0 + depth)).resize((self.iw + q, self.ih + q),
                                                                          Image.Resampling.BILINEAR)
        self.im.paste((25, 18, 30), (0, 0), mask.crop((0, 0, self.iw, self.ih)))
        for p in self.pending:
            getattr(Renderer, "do_" + p.kind)(self, p)
            if p.kind == "poly" and len(p.pts) >= 3:  # the cut edge catches the light
                pts = self.P(p.pts)
                self.d.line(pts + [pts[0]], fill=mix(self.paper_colour(p.fill), (255, 250, 240), 0.35), width=self.edge)
        self.pending = []

    def draw(self, group, prims):
        for p in prims:
            if p.kind in ("grad", "glow", "dots", "line", "haze"):
                self.flush()
                (getattr(self if p.kind == "grad" else Renderer, "do_" + p.kind)(self, p) if p.kind != "grad"
                 else self.do_grad(p))
                continue
            layer = round(p.depth * 14)  # shapes at about the same depth are one sheet of card
            if self.layer is not None and layer != self.layer:
                self.flush()
            self.layer = layer
            self.pending.append(p)
        self.flush()

    def do_grad(self, p):
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        n = 6  # stepped bands of card instead of a smooth gradient
        g = gradient((1, n), p.extra)
        for i in range(n):
            c = self.paper_colour(g.getpixel((0, i)))
            yb = y0 + (y1 - y0) * i / n
            self.d.rectangle((x0, yb, x1, y0 + (y1 - y0) * (i + 1) / n + 1), fill=c)
            if i:
                self.d.line([(x0, yb), (x1, yb)], fill=mix(c, (255, 250, 240), 0.3), width=self.edge)

    def finish(self):
        im = super().finish()
        return ImageChops.multiply(im, _fibres(self.plan.w, self.plan.h, self.seed))
