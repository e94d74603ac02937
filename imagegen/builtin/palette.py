"""Colours of a scene: time of day and mood set the light, colour words and unknown words tint it."""

from __future__ import annotations

import colorsys

RGB = tuple[int, int, int]

# Sky stops top -> horizon, sun colour, light (multiplies land), land tint (mixed into land).
_TIMES = {
    "dawn": ([(48, 60, 130), (170, 120, 170), (250, 170, 150), (255, 215, 160)],
             (255, 236, 190), 0.85, (255, 180, 160)),
    "morning": ([(80, 150, 225), (140, 195, 240), (200, 228, 245), (240, 240, 225)],
                (255, 250, 225), 1.0, (235, 240, 255)),
    "noon": ([(40, 120, 220), (90, 165, 240), (160, 210, 250), (215, 238, 250)],
             (255, 252, 235), 1.05, (255, 255, 255)),
    "afternoon": ([(60, 130, 210), (130, 185, 230), (220, 215, 200), (250, 215, 160)],
                  (255, 235, 180), 0.97, (255, 225, 180)),
    "sunset": ([(40, 30, 95), (150, 60, 120), (240, 110, 90), (255, 190, 100)], (255, 225, 140), 0.72, (255, 130, 90)),
    "night": ([(6, 10, 32), (16, 26, 70), (34, 50, 105), (60, 75, 130)], (245, 240, 215), 0.38, (70, 90, 170)),
}

_BASE = {
    "grass": (92, 160, 70), "grass2": (60, 125, 60), "foliage": (50, 120, 60), "foliage2": (90, 155, 70),
    "trunk": (100, 70, 45), "far": (110, 130, 170), "mid": (80, 110, 120), "rock": (120, 115, 110),
    "water": (40, 110, 170), "water2": (80, 160, 200), "sand": (232, 205, 150), "sand2": (210, 175, 120),
    "wall": (236, 226, 205), "wall2": (200, 110, 80), "roof": (170, 60, 50), "wood": (140, 90, 55),
    "accent": (230, 80, 70), "accent2": (250, 200, 70), "snow": (245, 248, 255), "blossom": (245, 170, 200),
    "flower": (240, 90, 110), "flower2": (250, 220, 90), "stone": (170, 150, 130),
}


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear mix of two colours, t=0 -> a, t=1 -> b."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def scale(c: RGB, k: float) -> RGB:
    """Brighten (k > 1) or darken (k < 1) a colour."""
    return tuple(max(0, min(255, round(v * k))) for v in c)  # type: ignore[return-value]


def hue_shift(c: RGB, dh: float, ds: float = 1.0, dv: float = 1.0) -> RGB:
    """Rotate hue by dh (0..1) and scale saturation/value."""
    h, s, v = colorsys.rgb_to_hsv(c[0] / 255, c[1] / 255, c[2] / 255)
    r, g, b = colorsys.hsv_to_rgb((h + dh) % 1.0, min(1.0, s * ds), min(1.0, v * dv))
    return (round(r * 255), round(g * 255), round(b * 255))


def make_palette(time: str, moods: list[str], colours: list[RGB], motif: float) -> dict:
    """The palette of a scene; motif in [0, 1) comes from a hash of the unknown words."""
    stops, sun, light, tint = _TIMES[time]
    sky = list(stops)
    p = dict(_BASE)
    accents = [(230, 80, 70), (250, 200, 70), (70, 160, 220), (240, 130, 170), (120, 200, 140), (150, 110, 210)]
    k = int(motif * len(accents))
    p["accent"], p["accent2"] = accents[k], accents[(k + 2) % len(accents)]
    # Unknown words nudge the hue of the sky and land, a little, so every prompt differs.
    dh = (motif - 0.5) * 0.09
    sky = [hue_shift(c, dh) for c in sky]
    for key in ("grass", "grass2", "foliage", "foliage2", "far", "mid", "water", "water2"):
        p[key] = hue_shift(p[key], dh * 0.8)
    if "autumn" in moods:
        p.update(foliage=(200, 90, 40), foliage2=(230, 160, 50), grass=(170, 140, 70), grass2=(140, 100, 50),
                 blossom=(230, 120, 50))
    if "winter" in moods:
        p.update(grass=(232, 238, 245), grass2=(200, 212, 228), foliage=(40, 85, 75), foliage2=(70, 110, 100),
                 far=(190, 200, 225), mid=(150, 165, 195), water=(90, 130, 170), sand=(230, 232, 238))
    if "spring" in moods:
        p.update(grass=(130, 195, 90), foliage2=(240, 175, 200), blossom=(250, 185, 210))
    if "summer" in moods:  # a deep blue sky over sun-dried grass
        sky = [hue_shift(c, 0, 1.3, 1.05) for c in sky]
        p.update(grass=(150, 185, 70), grass2=(120, 160, 60))
    if "tropical" in moods:
        sky = [mix(c, (60, 200, 220), 0.25) for c in sky]
    if "tropical" in moods or "summer" in moods:
        p.update(water=(20, 150, 180), water2=(70, 210, 210), grass=(80, 175, 70), foliage=(30, 140, 70))
    if "dreamy" in moods:
        sky = [mix(c, t, 0.35)
               for c, t in zip(sky, [(150, 120, 210), (220, 150, 220), (250, 190, 210), (255, 230, 220)], strict=False)]
        for key in ("grass", "grass2", "foliage", "far", "mid", "water"):
            p[key] = mix(p[key], (200, 160, 220), 0.3)
    if "neon" in moods:
        sky = [(15, 5, 40), (60, 15, 90), (180, 40, 140), (255, 110, 150)]
        p.update(far=(80, 30, 120), mid=(50, 20, 90), grass=(40, 15, 70), grass2=(25, 10, 55),
                 water=(40, 20, 90), water2=(230, 60, 200), accent=(0, 240, 255), accent2=(255, 60, 200))
    if "stormy" in moods:
        sky = [mix(c, g, 0.7)
               for c, g in zip(sky, [(40, 45, 55), (70, 75, 90), (100, 105, 115), (130, 135, 140)], strict=False)]
        light *= 0.75
    if "foggy" in moods:  # a pale, low-contrast sky; the haze itself is painted by moods.py
        sky = [mix(hue_shift(c, 0, 0.5), (214, 218, 224), 0.45 + 0.1 * i) for i, c in enumerate(sky)]
        for key in ("grass", "grass2", "foliage", "foliage2", "far", "mid"):
            p[key] = hue_shift(p[key], 0, 0.7)
    if "gloomy" in moods:
        sky = [hue_shift(c, 0, 0.5, 0.7) for c in sky]
        light *= 0.8
    if "cheerful" in moods:
        sky = [hue_shift(c, 0, 1.15, 1.08) for c in sky]
        light = min(1.1, light * 1.1)
    if "calm" in moods:  # soft, low-contrast pastels
        sky = [mix(hue_shift(c, 0, 0.6, 1.0), (235, 225, 215), 0.25) for c in sky]
        for key in ("grass", "grass2", "foliage", "foliage2", "far", "mid", "water", "water2"):
            p[key] = mix(hue_shift(p[key], 0, 0.7), (225, 220, 205), 0.2)
    # Global colour words: the first one washes the sky, the others the land and accents.
    if colours:
        c0 = colours[0]
        sky = [mix(c, hue_shift(c0, 0, 1, v), 0.5) for c, v in zip(sky, (0.55, 0.8, 1.0, 1.1), strict=False)]
        p["accent"] = c0
        sun = mix(sun, c0, 0.25)
    for i, c in enumerate(colours[1:3]):
        keys = ("far", "mid", "water") if i == 0 else ("grass", "foliage", "grass2")
        for key in keys:
            p[key] = mix(p[key], c, 0.55)
        p["accent2"] = c
    for key in ("grass", "grass2", "foliage", "foliage2", "far", "mid", "water", "water2", "sand", "sand2",
                "wall", "wall2", "roof", "wood", "trunk", "rock", "stone", "snow"):
        p[key] = scale(mix(p[key], tint, 0.18), light)
    p["far"] = mix(p["far"], sky[-1], 0.45)
    p["mid"] = mix(p["mid"], sky[-1], 0.2)
    p["sky"] = sky
    p["sun"] = sun
    p["horizon"] = sky[-1]
    p["light"] = light
    p["cloud"] = mix((255, 255, 255), sky[-1], 0.35 if time in ("sunset", "dawn") else 0.12)
    if time == "night":
        p["cloud"] = mix(sky[1], (200, 200, 230), 0.25)
    if "stormy" in moods:
        p["cloud"] = (95, 100, 112)
    p["cloud_shade"] = mix(p["cloud"], sky[1], 0.35)
    p["fog"] = mix(sky[-1], (225, 228, 234) if time != "night" else (90, 100, 125), 0.6)
    p["storm"] = mix((45, 48, 60), sky[0], 0.2)
    p["window"] = (255, 215, 120) if time in ("night", "sunset") else scale((90, 120, 150), light)
    p["night"] = time == "night"
    return p
