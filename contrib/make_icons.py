"""Draw the app icons in static/img/ from the design of static/img/logo.svg, with Pillow alone.

Run once when the logo changes (`python contrib/make_icons.py`) and commit the PNGs: the web app
manifest and the apple-touch-icon link point at them (issue 9, "installable").
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img"
SUPERSAMPLE = 4
# logo.svg: a 64-unit square, corner radius 16, gradient #ff7a59 -> #7b5cff from top left to bottom right,
# a sun at (44, 20) r 7 and mountains M8 50 L24 30 L34 41 L42 33 L56 50 Z in white at 92 % opacity.
START, END = (0xFF, 0x7A, 0x59), (0x7B, 0x5C, 0xFF)
SUN = (44, 20, 7)
SUN_COLOUR = (0xFF, 0xF6, 0xD8)
MOUNTAINS = [(8, 50), (24, 30), (34, 41), (42, 33), (56, 50)]


def gradient(size: int) -> Image.Image:
    """The diagonal gradient: each pixel's colour by its position along the top-left/bottom-right axis."""
    ramp = Image.linear_gradient("L").resize((size, size))  # 0 at the top, 255 at the bottom
    diagonal = ImageChops.add(ramp, ramp.rotate(90), scale=2)  # (top-to-bottom + left-to-right) / 2
    return Image.merge("RGB", [diagonal.point(lambda v, a=a, b=b: round(a + (b - a) * v / 255))
                               for a, b in zip(START, END, strict=True)])


def draw(size: int, *, rounded: bool, motif_scale: float = 1.0) -> Image.Image:
    """The logo at size x size; rounded corners (transparent) or full bleed; the motif scaled about the centre."""
    big = size * SUPERSAMPLE
    unit = big / 64
    image = gradient(big).convert("RGBA")
    overlay = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)

    def at(x: float, y: float) -> tuple[float, float]:
        return ((32 + (x - 32) * motif_scale) * unit, (32 + (y - 32) * motif_scale) * unit)

    cx, cy, r = SUN
    (x, y), radius = at(cx, cy), r * motif_scale * unit
    pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*SUN_COLOUR, 255))
    pen.polygon([at(x, y) for x, y in MOUNTAINS], fill=(255, 255, 255, round(255 * 0.92)))
    image = Image.alpha_composite(image, overlay)
    if rounded:
        mask = Image.new("L", (big, big), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), radius=16 * unit, fill=255)
        image.putalpha(mask)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icons = {
        "icon-192.png": draw(192, rounded=True),
        "icon-512.png": draw(512, rounded=True),
        # Maskable: full bleed, the motif inside the central safe circle (80 % of the width).
        "icon-maskable-512.png": draw(512, rounded=False, motif_scale=0.72),
        # iOS rounds the corners itself and shows transparency as black.
        "apple-touch-icon.png": draw(180, rounded=False, motif_scale=0.85),
    }
    for name, image in icons.items():
        if name != "icon-192.png" and name != "icon-512.png":
            image = image.convert("RGB")
        image.save(OUT / name, optimize=True)
        print(OUT / name, image.size)


if __name__ == "__main__":
    main()
