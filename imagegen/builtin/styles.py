"""The styles: each renders the same scene plan in its own way."""

from __future__ import annotations

from PIL import Image

from imagegen.base import N_

from .palette import mix
from .render import Renderer


class Flat(Renderer):
    """Clean vector shapes, anti-aliased by drawing at twice the size."""


class Pixel(Renderer):
    """Chunky pixel art: drawn tiny, reduced to a small palette, scaled up with hard edges."""

    key, label = "pixel", N_("Pixel art")
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
            self.d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr),
                           fill=mix(self.im.getpixel((min(self.iw - 1, max(0, int(cx))),
                                                      min(self.ih - 1, max(0, int(cy))))),
                                    p.fill, a * p.extra * 2))

    def finish(self):
        im = self.im.quantize(24, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).convert("RGB")
        return im.resize((self.plan.w, self.plan.h), Image.Resampling.NEAREST)


from .style_ink import Ink  # noqa: E402
from .style_papercut import PaperCut  # noqa: E402
from .styles_more import LowPoly, Neon, StainedGlass, Watercolour  # noqa: E402

STYLE_CLASSES = [Flat, Pixel, Watercolour, Ink, LowPoly, Neon, PaperCut, StainedGlass]
