"""A scene as a list of drawing primitives, which each style renders in its own way."""

from __future__ import annotations

import math


class Prim:
    """One shape: kind is poly, ellipse, line, grad, glow, haze or dots; depth 0 (sky) .. 1 (nearest)."""

    __slots__ = ("kind", "pts", "fill", "depth", "width", "extra")

    def __init__(self, kind, pts, fill, depth, width=0, extra=None):
        self.kind, self.pts, self.fill, self.depth, self.width, self.extra = kind, pts, fill, depth, width, extra


class Sketch:
    """Collects primitives per group (sky, far, near, details) for one image."""

    GROUPS = ("sky", "far", "near", "details")

    def __init__(self, width: int, height: int):
        self.w, self.h = width, height
        self.groups: dict[str, list[Prim]] = {g: [] for g in self.GROUPS}
        self.group = "sky"
        self.depth = 0.0

    def _add(self, prim: Prim) -> None:
        self.groups[self.group].append(prim)

    def poly(self, pts, fill) -> None:
        """A filled polygon."""
        if len(pts) >= 3:
            self._add(Prim("poly", [(round(x, 1), round(y, 1)) for x, y in pts], fill, self.depth))

    def ellipse(self, cx, cy, rx, ry, fill) -> None:
        """A filled ellipse centred on (cx, cy)."""
        self._add(Prim("ellipse", (cx - rx, cy - ry, cx + rx, cy + ry), fill, self.depth))

    def line(self, pts, fill, width) -> None:
        """A polyline."""
        self._add(Prim("line", [(round(x, 1), round(y, 1)) for x, y in pts], fill, self.depth, max(1, width)))

    def grad(self, box, stops) -> None:
        """A vertical gradient filling box; stops are (t, rgb) with t in 0..1."""
        self._add(Prim("grad", box, stops[-1][1], self.depth, extra=stops))

    def glow(self, cx, cy, r, fill, strength=0.6) -> None:
        """A soft radial light."""
        self._add(Prim("glow", (cx, cy, r), fill, self.depth, extra=strength))

    def haze(self, box, fill, stops) -> None:
        """A translucent veil over box; stops are (t, opacity 0..1) from top to bottom."""
        self._add(Prim("haze", box, fill, self.depth, extra=stops))

    def dots(self, pts, fill) -> None:
        """Many small discs: pts are (x, y, r)."""
        if pts:
            self._add(Prim("dots", pts, fill, self.depth))


def ellipse_pts(cx, cy, rx, ry, n=16, a0=0.0, a1=2 * math.pi):
    """Points on an ellipse arc (used by painters that need polygons)."""
    return [(cx + rx * math.cos(a0 + (a1 - a0) * i / n), cy + ry * math.sin(a0 + (a1 - a0) * i / n))
            for i in range(n + 1)]


def ridge(rng, x0, x1, base, top, n, rough=0.35):
    """A mountain-ridge polygon from x0 to x1 whose peaks reach about `top`, closed at `base`."""
    pts = [(x0, base)]
    step = (x1 - x0) / n
    for i in range(n + 1):
        x = x0 + i * step + (rng.uniform(-0.3, 0.3) * step if 0 < i < n else 0)
        y = top + (base - top) * (rng.random() * rough + (0.35 if i % 2 else 0.0))
        pts.append((x, y))
    pts.append((x1, base))
    return pts


def wave_line(rng, x0, x1, y, amp, n):
    """A soft wavy line of points from x0 to x1 around y."""
    ph = rng.uniform(0, 6.28)
    f = rng.uniform(1.5, 3.5)
    return [(x0 + (x1 - x0) * i / n,
             y + amp * math.sin(ph + f * 6.28 * i / n) + amp * 0.4 * math.sin(ph * 2 + 11 * i / n))
            for i in range(n + 1)]
