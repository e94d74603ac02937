"""The styles: each renders the same scene plan in its own way."""

from __future__ import annotations

from PIL import Image, ImageFilter

from .palette import mix, scale
from .render import Renderer, paper


class Flat(Renderer):
    """Clean vector shapes, anti-aliased by drawing at twice the size."""


class Pixel(Renderer):
    """Chunky pixel art: drawn tiny, reduced to a small palette, scaled up with hard edges."""

    key, label = "pixel", "Pixel art"
    supersample = 1

    def __init__(self, plan, seed):
        self.scale = 1 / max(4, round(min(plan.w, plan.h) / 96))
        super().__init__(plan, seed)

    def do_line(self, p):
        self.d.line(self.P(p.pts), fill=p.fill, width=max(1, round(p.width * self.k)))

    def do_glow(self, p):
        cx, cy, r = (v * self.k for v in p.pts)
        for i, a in enumerate((0.1, 0.18)):
            rr = r * (0.45 - i * 0.15)
            self.d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=mix(self.im.getpixel((min(self.iw - 1, max(0, int(cx))), min(self.ih - 1, max(0, int(cy))))), p.fill, a * p.extra * 2))

    def finish(self):
        im = self.im.quantize(24, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).convert("RGB")
        return im.resize((self.plan.w, self.plan.h), Image.Resampling.NEAREST)


class Ink(Renderer):
    """Ink line art on warm paper: shapes become outlines with a light grey wash."""

    key, label = "ink", "Ink line art"
    supersample = 2

    def __init__(self, plan, seed):
        super().__init__(plan, seed)
        self.paper = (244, 236, 218)
        self.ink = (30, 28, 36)
        self.im.paste(self.paper, (0, 0, self.iw, self.ih))
        self.accent = plan.palette["accent"]
        self.lw = max(1, round(min(self.iw, self.ih) / 340))

    def wash(self, c):
        lum = (c[0] * 299 + c[1] * 587 + c[2] * 114) // 1000
        grey = mix(self.paper, (60, 58, 70), (1 - lum / 255) * 0.5)
        return mix(grey, c, 0.22)  # a hint of the real colour, like a light wash

    def do_grad(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        y = y0 + (y1 - y0) * 0.45
        step = max(3, (y1 - y0) / 30)
        while y < y1 - 2:  # hatching thickens towards the horizon
            x = x0 + self.rng.uniform(0, self.iw * 0.4)
            self.d.line([(x, y), (x + self.rng.uniform(0.2, 0.6) * self.iw, y)], fill=self.wash(p.extra[-1][1]), width=1)
            y += step
            step = max(2, step * 0.93)

    def do_poly(self, p):
        pts = self.P(p.pts)
        self.d.polygon(pts, fill=self.wash(p.fill))
        self.d.line(pts + [pts[0]], fill=self.ink, width=self.lw, joint="curve")

    def do_ellipse(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        if x1 - x0 >= 1 and y1 - y0 >= 1:
            self.d.ellipse((x0, y0, x1, y1), fill=self.wash(p.fill), outline=self.ink, width=self.lw)

    def do_line(self, p):
        self.d.line(self.P(p.pts), fill=self.ink, width=max(1, round(p.width * self.k * 0.6)))

    def do_dots(self, p):
        k = self.k
        for x, y, r in p.pts:
            r = max(0.7, r * k * 0.7)
            self.d.ellipse((x * k - r, y * k - r, x * k + r, y * k + r), fill=self.ink)

    def do_glow(self, p):
        if p.extra >= 0.5:  # one spot of colour: the sun, a lantern
            cx, cy, r = (v * self.k for v in p.pts)
            r *= 0.35
            self.d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=mix(self.paper, p.fill, 0.35))


from .styles_more import LowPoly, Neon, PaperCut, StainedGlass, Watercolour  # noqa: E402

STYLE_CLASSES = [Flat, Pixel, Watercolour, Ink, LowPoly, Neon, PaperCut, StainedGlass]
