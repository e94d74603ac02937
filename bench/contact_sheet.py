"""Write a contact sheet of 24 prompts x 3 styles from the builtin generator.

Usage: python bench/contact_sheet.py [out.png] [--styles flat,watercolour,pixel] [--size 192]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402

from imagegen.base import GenerationRequest  # noqa: E402
from imagegen.builtin import BuiltinBackend  # noqa: E402

PROMPTS = [
    "red sunset over the ocean with two boats",
    "gunung berapi saat senja",
    "sawah dan pohon kelapa di pagi hari",
    "a lighthouse on a stormy night",
    "three hot air balloons over green hills",
    "pantai dengan perahu layar dan burung camar",
    "snowy mountains and pine forest at dawn",
    "neon city skyline at night",
    "candi di tengah hutan berkabut",
    "a cat under a sakura tree in spring",
    "desert dunes with cactus under a giant moon",
    "aurora over a frozen lake",
    "kota malam dengan bulan purnama",
    "whale in the blue sea at noon",
    "autumn forest with a river and a deer",
    "lampion terbang di langit malam",
    "windmill in a field of yellow flowers",
    "castle on a hill with a rainbow",
    "rumah kecil di dekat danau, pagi yang tenang",
    "dreamy pink sky with a planet and comet",
    "kupu-kupu dan bunga di taman",
    "tent and campfire under many stars",
    "quantum marmalade cathedral",
    "zephyr obsidian lullaby",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="/tmp/contact_sheet.png")
    ap.add_argument("--styles", default="flat,watercolour,pixel")
    ap.add_argument("--size", type=int, default=192)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--prompts", default="", help="prompts separated by '|' instead of the standard 24")
    args = ap.parse_args()
    backend = BuiltinBackend()
    known = [k for k, _ in backend.styles()]
    styles = [s for s in args.styles.split(",") if s in known] or known[:3]
    prompts = [p.strip() for p in args.prompts.split("|") if p.strip()] or PROMPTS
    size, label_h, pad = args.size, 14, 4
    cols = len(styles) * 4  # four prompts per row, each in every style
    rows = (len(prompts) + 3) // 4
    sheet = Image.new("RGB", (cols * (size + pad) + pad, rows * (size + label_h + pad) + pad), (28, 28, 32))
    draw = ImageDraw.Draw(sheet)
    for n, prompt in enumerate(prompts):
        r, c0 = divmod(n, 4)
        for j, style in enumerate(styles):
            req = GenerationRequest(prompt, "", args.seed + n, size, size, style)
            im = backend.generate(req, lambda f: None).images[0]
            x = pad + (c0 * len(styles) + j) * (size + pad)
            y = pad + r * (size + label_h + pad)
            sheet.paste(im, (x, y + label_h))
            if j == 0:
                draw.text((x, y + 1), prompt[:60], fill=(220, 220, 220))
    sheet.save(args.out)
    print(f"wrote {args.out} ({sheet.size[0]}x{sheet.size[1]}), styles: {', '.join(styles)}")


if __name__ == "__main__":
    main()
