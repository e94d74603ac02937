"""More styles: watercolour, low-poly, neon, paper-cut and stained glass."""

from __future__ import annotations

import math

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from imagegen.base import N_

from .palette import hue_shift, mix, scale
from .render import Renderer, gradient, paper


def _centroid(pts):
    n = len(pts)
    return sum(x for x, _ in pts) / n, sum(y for _, y in pts) / n


class Watercolour(Renderer):
    """Transparent washes laid twice with wobbly edges on grainy paper."""

    key, label = "watercolour", N_("Watercolour")
    scale, supersample = 0.5, 1

    def __init__(self, plan, seed):
        super().__init__(plan, seed)
        self.paper = (248, 243, 232)
        self.d = ImageDraw.Draw(self.im, "RGBA")
        self.wob = max(1.0, self.iw / 120)

    def tint(self, c, a):
        c = mix(c, self.paper, 0.12)
        return (c[0], c[1], c[2], a)

    def wobble(self, pts):
        r = self.rng
        w = self.wob
        return [(x + r.uniform(-w, w), y + r.uniform(-w, w)) for x, y in pts]

    def do_grad(self, p):
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        stops = [(t, mix(c, self.paper, 0.18)) for t, c in p.extra]
        self.im.paste(gradient((x1 - x0, y1 - y0), stops), (x0, y0))

    def do_poly(self, p):
        pts = self.P(p.pts)
        if len(pts) > 40:
            pts = pts[::2]
        self.d.polygon(self.wobble(pts), fill=self.tint(p.fill, 150))
        self.d.polygon(self.wobble(pts), fill=self.tint(p.fill, 150))

    def do_ellipse(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        if x1 - x0 < 1 or y1 - y0 < 1:
            return
        w = self.wob
        for _ in range(2):
            j = [self.rng.uniform(-w, w) for _ in range(4)]
            self.d.ellipse((x0 + j[0], y0 + j[1], max(x0 + j[0], x1 + j[2]), max(y0 + j[1], y1 + j[3])),
                           fill=self.tint(p.fill, 150))

    def do_line(self, p):
        self.d.line(self.P(p.pts), fill=self.tint(p.fill, 190), width=max(1, round(p.width * self.k)))

    def finish(self):
        im = self.im
        soft = im.filter(ImageFilter.GaussianBlur(self.iw / 200))
        im = Image.blend(im, soft, 0.6)
        im = im.resize((self.plan.w, self.plan.h), Image.Resampling.BICUBIC)
        grain = paper(self.plan.w, self.plan.h, self.seed, (244, 244, 244), 9, grain=5)
        return ImageChops.multiply(im, grain.point(lambda v: min(255, v + 10)))


class LowPoly(Renderer):
    """Faceted shapes: every area is split into triangles, each lit by its own angle."""

    key, label = "lowpoly", N_("Low-poly")
    supersample = 1

    def facet(self, pts, c):
        cx, cy = _centroid(pts)
        n = len(pts)
        for i in range(n):
            a, b = pts[i], pts[(i + 1) % n]
            mx, my = (a[0] + b[0]) / 2 - cx, (a[1] + b[1]) / 2 - cy
            ang = math.atan2(my, mx)
            light = 1.0 + 0.12 * math.cos(ang + 2.3)  # lit from the upper left
            self.d.polygon([a, b, (cx, cy)], fill=scale(c, light))

    def do_grad(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        col = gradient((1, 64), p.extra)
        nx = 8
        cell = (x1 - x0) / nx
        ny = max(2, round((y1 - y0) / cell))
        rng = self.rng
        grid = [[(x0 + i * cell + (rng.uniform(-0.3, 0.3) * cell if 0 < i < nx else 0),
                  y0 + (y1 - y0) * j / ny + (rng.uniform(-0.3, 0.3) * cell if 0 < j < ny else 0))
                 for i in range(nx + 1)] for j in range(ny + 1)]
        for j in range(ny):
            for i in range(nx):
                a, b, c, d = grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i]
                for tri in ((a, b, c), (a, c, d)):
                    ty = sum(t[1] for t in tri) / 3
                    k = min(63, max(0, int((ty - y0) / max(1, y1 - y0) * 64)))
                    base = col.getpixel((0, k))
                    self.d.polygon(tri, fill=scale(base, rng.uniform(0.96, 1.05)))

    def do_poly(self, p):
        pts = self.P(p.pts)
        if len(pts) > 14:  # simplify curves to a few facets
            step = len(pts) / 10
            pts = [pts[int(i * step)] for i in range(10)]
        self.facet(pts, p.fill)

    def do_ellipse(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
        if rx < 1.5:
            self.d.ellipse((x0, y0, x1, y1), fill=p.fill)
            return
        n = 7 if rx > 6 else 5
        self.facet([(cx + rx * math.cos(0.4 + i * 2 * math.pi / n), cy + ry * math.sin(0.4 + i * 2 * math.pi / n))
                    for i in range(n)], p.fill)

    def do_glow(self, p):
        cx, cy, r = (v * self.k for v in p.pts)
        pts = [(cx + r * 0.5 * math.cos(i * math.pi / 4), cy + r * 0.5 * math.sin(i * math.pi / 4)) for i in range(8)]
        d = ImageDraw.Draw(self.im, "RGBA")
        d.polygon(pts, fill=p.fill + (int(50 * p.extra),))


class Neon(Renderer):
    """Synthwave: a dark world drawn in glowing outlines, a striped sun and a grid floor."""

    key, label = "neon", N_("Neon / synthwave")
    supersample = 1

    def __init__(self, plan, seed):
        super().__init__(plan, seed)
        self.glowim = Image.new("RGB", (self.iw // 2, self.ih // 2))
        self.gd = ImageDraw.Draw(self.glowim)
        self.lw = max(1, round(self.iw / 300))

    def bright(self, c):
        return hue_shift(c, 0, 2.2, 1.6 if max(c) < 200 else 1.2)

    def dark(self, c):
        return mix((12, 6, 28), c, 0.18)

    def outline(self, pts, c):
        c = self.bright(c)
        self.d.line(pts + [pts[0]], fill=c, width=self.lw)
        self.gd.line([(x / 2, y / 2) for x, y in pts + [pts[0]]], fill=c, width=max(1, self.lw))

    def do_grad(self, p):
        x0, y0, x1, y1 = (round(v * self.k) for v in p.pts)
        stops = [(t, mix((10, 4, 30), hue_shift(c, 0, 1.4), 0.25 + 0.5 * t)) for t, c in p.extra]
        self.im.paste(gradient((x1 - x0, y1 - y0), stops), (x0, y0))
        if y0 > 0:  # the ground: a perspective grid
            grid = (255, 60, 200)
            cx = self.iw / 2
            for i in range(-12, 13):
                self.d.line([(cx + i * self.iw * 0.01, y0), (cx + i * self.iw * 0.16, y1)], fill=grid, width=self.lw)
                self.gd.line([((cx + i * self.iw * 0.01) / 2, y0 / 2), ((cx + i * self.iw * 0.16) / 2, y1 / 2)],
                             fill=grid, width=1)
            for j in range(1, 12):
                y = y0 + (y1 - y0) * (j / 11) ** 2
                self.d.line([(x0, y), (x1, y)], fill=grid, width=self.lw)
                self.gd.line([(x0 / 2, y / 2), (x1 / 2, y / 2)], fill=grid, width=1)

    def do_poly(self, p):
        pts = self.P(p.pts)
        if p.depth == 0.45:  # rolling bands of the ground plane: keep the grid visible
            self.d.line(pts[:-2], fill=self.bright(p.fill), width=self.lw)
            return
        self.d.polygon(pts, fill=self.dark(p.fill))
        self.outline(pts, p.fill)

    def do_ellipse(self, p):
        x0, y0, x1, y1 = (v * self.k for v in p.pts)
        if x1 - x0 < 1:
            return
        r = (x1 - x0) / 2
        if p.depth < 0.1 and r > self.iw * 0.04:  # sun-like disc: the synthwave striped sun
            top = gradient((round(x1 - x0), round(y1 - y0)), [(0, (255, 230, 90)), (1, (255, 50, 150))])
            mask = Image.new("L", top.size)
            md = ImageDraw.Draw(mask)
            md.ellipse((0, 0, top.size[0] - 1, top.size[1] - 1), fill=255)
            h = top.size[1]
            for i in range(6):
                y = h * (0.55 + i * 0.08)
                md.rectangle((0, y, top.size[0], y + h * 0.015 * (i + 1)), fill=0)
            self.im.paste(top, (round(x0), round(y0)), mask)
            self.gd.ellipse((x0 / 2, y0 / 2, x1 / 2, y1 / 2), fill=(255, 80, 120))
            return
        self.d.ellipse((x0, y0, x1, y1), fill=self.dark(p.fill), outline=self.bright(p.fill), width=self.lw)
        self.gd.ellipse((x0 / 2, y0 / 2, x1 / 2, y1 / 2), outline=self.bright(p.fill), width=max(1, self.lw))

    def do_line(self, p):
        pts = self.P(p.pts)
        c = self.bright(p.fill)
        self.d.line(pts, fill=c, width=max(1, round(p.width * self.k * 0.7)))
        self.gd.line([(x / 2, y / 2) for x, y in pts], fill=c, width=max(1, round(p.width * self.k / 2)))

    def do_dots(self, p):
        k = self.k
        c = self.bright(p.fill)
        for x, y, r in p.pts:
            r = max(0.6, r * k)
            self.d.ellipse((x * k - r, y * k - r, x * k + r, y * k + r), fill=c)

    def do_haze(self, p):
        # mist in a synthwave night is a dim violet veil, not a white-out
        from .sketch import Prim

        veil = [(t, a * 0.55) for t, a in p.extra]
        super().do_haze(Prim("haze", p.pts, mix((40, 20, 70), p.fill, 0.3), p.depth, extra=veil))

    def do_glow(self, p):
        cx, cy, r = (v / 2 * self.k for v in p.pts)
        self.gd.ellipse((cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3), fill=scale(self.bright(p.fill), 0.5))

    def finish(self):
        g = self.glowim.filter(ImageFilter.GaussianBlur(max(2, self.iw / 110)))
        im = ImageChops.add(self.im, g.resize(self.im.size, Image.Resampling.BILINEAR))
        return super().finish() if im is None else im.resize((self.plan.w, self.plan.h), Image.Resampling.LANCZOS)


class StainedGlass(Renderer):
    """Saturated glass panes held by dark lead lines, each pane a slightly different tone."""

    key, label = "stainedglass", N_("Stained glass")
    supersample = 1

    def __init__(self, plan, seed):
        super().__init__(plan, seed)
        self.lead = (28, 24, 30)
        self.lw = max(2, round(self.iw / 170))
        self.outlines = []

    def colour(self, p, c):
        return hue_shift(c, 0, 1.35, 1.05)

    def do_poly(self, p):
        pts = self.P(p.pts)
        self.d.polygon(pts, fill=self.colour(p, p.fill))
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        if p.depth > 0.1 and max(xs) - min(xs) + max(ys) - min(ys) > self.lw * 8:  # no lead on tiny bits
            self.outlines.append(("poly", pts))

    def do_ellipse(self, p):
        box = tuple(v * self.k for v in p.pts)
        if box[2] - box[0] < 1:
            return
        self.d.ellipse(box, fill=self.colour(p, p.fill))
        if box[2] - box[0] > self.lw * 3 and p.depth > 0.1:
            self.outlines.append(("ellipse", box))

    def do_glow(self, p):
        pass

    def finish(self):
        rng = self.rng
        d = ImageDraw.Draw(self.im, "RGBA")
        n = 7
        cw, ch = self.iw / n, self.ih / n
        grid = [[(i * cw + (rng.uniform(-0.35, 0.35) * cw if 0 < i < n else 0),
                  j * ch + (rng.uniform(-0.35, 0.35) * ch if 0 < j < n else 0)) for i in range(n + 1)]
                for j in range(n + 1)]
        for j in range(n):
            for i in range(n):
                a, b, c, e = grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i]
                for tri in ((a, b, c), (a, c, e)) if (i + j) % 2 else ((a, b, e), (b, c, e)):
                    v = rng.uniform(-1, 1)
                    d.polygon(tri, fill=(255, 255, 240, int(v * 40)) if v > 0 else (0, 0, 20, int(-v * 45)))
                    d.line(list(tri) + [tri[0]], fill=self.lead, width=max(1, self.lw // 2))
        for kind, geo in self.outlines:
            if kind == "poly":
                d.line(geo + [geo[0]], fill=self.lead, width=self.lw, joint="curve")
            else:
                d.ellipse(geo, outline=self.lead, width=self.lw)
        d.rectangle((0, 0, self.iw - 1, self.ih - 1), outline=self.lead, width=self.lw * 3)
        return super().finish()
