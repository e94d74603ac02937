"""The builtin generator: determinism, vocabulary, palette, parsing, progress, errors."""

from __future__ import annotations

import colorsys
import io

import pytest
from PIL import Image

from imagegen.base import Cancelled, GenerationError, GenerationRequest
from imagegen.builtin import STYLES, BuiltinBackend, parse_prompt
from imagegen.builtin.vocabulary import all_words

STYLE_KEYS = [k for k, _ in STYLES]


def make(prompt, seed=1, style="flat", w=128, h=128, count=1, negative=""):
    req = GenerationRequest(prompt, negative, seed, w, h, style, count)
    return BuiltinBackend().generate(req, lambda f: None)


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def mean_hue(im: Image.Image) -> float:
    """Circular mean of hue weighted by saturation, in degrees."""
    import math

    small = im.resize((32, 32))
    sx = sy = 0.0
    for r, g, b in small.get_flattened_data():
        h, s, v = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
        sx += math.cos(h * 2 * math.pi) * s * v
        sy += math.sin(h * 2 * math.pi) * s * v
    return (math.degrees(math.atan2(sy, sx)) + 360) % 360


def test_api_shape():
    b = BuiltinBackend()
    assert b.name == "builtin"
    assert b.VERSION
    assert b.styles()[0][0] == "flat"
    assert len(b.styles()) >= 3


@pytest.mark.parametrize("style", STYLE_KEYS)
def test_same_inputs_same_bytes(style):
    a = make("two red balloons over a lake at dawn", seed=7, style=style)
    b = make("two red balloons over a lake at dawn", seed=7, style=style)
    assert png(a.images[0]) == png(b.images[0])
    assert a.images[0].size == (128, 128) and a.images[0].mode == "RGB"


@pytest.mark.parametrize("style", STYLE_KEYS)
def test_different_seed_different_image(style):
    a = make("mountains and a lake", seed=1, style=style)
    b = make("mountains and a lake", seed=2, style=style)
    assert a.images[0].tobytes() != b.images[0].tobytes()


def test_colour_words_shift_palette():
    red = mean_hue(make("red sunset", w=96, h=96).images[0])
    blue = mean_hue(make("blue night", w=96, h=96).images[0])
    # red is near 0/360 degrees, blue near 220
    assert min(red, 360 - red) < 50
    assert 180 < blue < 280


def test_indonesian_colours_match_english():
    a = mean_hue(make("langit merah", w=96, h=96).images[0])
    assert min(a, 360 - a) < 60


def test_bad_style_raises():
    with pytest.raises(GenerationError, match="style"):
        make("sun", style="nope")


def test_progress_monotonic_and_complete():
    seen = []
    req = GenerationRequest("a cat under a tree", "", 3, 96, 96, "flat", 2)
    BuiltinBackend().generate(req, seen.append)
    assert seen == sorted(seen) and len(seen) >= 12
    assert seen[0] > 0 and seen[-1] == 1.0


def test_progress_may_cancel():
    def cancel(f):
        raise Cancelled()

    with pytest.raises(Cancelled):
        BuiltinBackend().generate(GenerationRequest("sun", "", 1, 64, 64, "flat"), cancel)


def test_count_gives_distinct_images():
    res = make("a house by the river", count=3)
    assert len(res.images) == 3
    assert len({im.tobytes() for im in res.images}) == 3


@pytest.mark.parametrize(
    "prompt, understood, ignored",
    [
        ("red sunset over the ocean with two boats", ["red", "sunset", "ocean", "2 boats"], []),
        ("quantum sunset", ["sunset"], ["quantum"]),
        ("tiga perahu merah di laut", ["3 red boats", "ocean"], []),
        ("gunung berapi saat senja", ["sunset", "volcano"], ["saat"]),
        ("a giant moon above the city", ["giant moon", "city"], []),
    ],
)
def test_understood_and_ignored(prompt, understood, ignored):
    info = make(prompt).info
    got = [u.split(" (")[0] for u in info["understood"]]
    assert sorted(got) == sorted(understood)
    assert info["ignored"] == ignored


def test_unknown_word_prompts_differ():
    a = make("zorblax", seed=5).images[0].tobytes()
    b = make("quintessence", seed=5).images[0].tobytes()
    c = make("", seed=5).images[0].tobytes()
    assert len({a, b, c}) == 3


def test_negative_prompt_removes_subject():
    info = make("sun and clouds over hills", negative="clouds").info
    assert not any("cloud" in u for u in info["understood"])


def test_every_word_renders():
    words = [w for w, kind, _ in all_words()]
    batch = 6
    for i in range(0, len(words), batch):
        style = STYLE_KEYS[(i // batch) % len(STYLE_KEYS)]
        res = make(" ".join(words[i : i + batch]), seed=i, style=style, w=64, h=64)
        assert res.images[0].size == (64, 64)


def test_parse_prompt_counts():
    p = parse_prompt("three balloons and many stars")
    counts = {s.concept: s.count for s in p.subjects}
    assert counts == {"balloon": 3, "stars": 8}


def test_vocabulary_is_big_enough_in_both_languages():
    from imagegen.builtin.vocabulary import COLOURS, INDONESIAN_WORDS, SUBJECTS

    assert len(SUBJECTS) >= 60 and len(COLOURS) >= 30
    for concept, (_, en, idn) in SUBJECTS.items():
        assert en.split() and idn.split(), concept
    for name, (_, en, idn) in COLOURS.items():
        assert en.split() and idn.split(), name
    assert {"gunung", "laut", "matahari", "bulan", "bintang", "sawah", "pantai", "hutan", "kota",
            "candi"} <= INDONESIAN_WORDS


@pytest.mark.parametrize(
    "en, idn",
    [("mountains by the sea", "gunung dan laut"), ("rice terraces at dawn", "sawah saat fajar"),
     ("three red boats", "tiga perahu merah"), ("giant moon over the city", "bulan raksasa di atas kota")],
)
def test_indonesian_means_the_same_subjects(en, idn):
    a, b = parse_prompt(en), parse_prompt(idn)
    assert a.concepts() == b.concepts()
    # English plurals ("mountains") leave the count to the planner; Indonesian has no plural mark
    assert ([(s.count or 1, s.colour, s.size) for s in a.subjects]
            == [(s.count or 1, s.colour, s.size) for s in b.subjects])


def test_negative_prompt_changes_picture():
    with_clouds = make("clouds over hills at noon", seed=4, w=96, h=96).images[0].tobytes()
    without = make("clouds over hills at noon", seed=4, w=96, h=96, negative="clouds")
    assert without.images[0].tobytes() != with_clouds
    assert without.info["understood"] == ["noon", "hills"]


def test_sizes_and_placement_are_parsed():
    p = parse_prompt("a tiny house on the left and a giant balloon over the lake")
    by = {s.concept: s for s in p.subjects}
    assert by["house"].place == "left" and by["house"].size < 1
    assert by["balloon"].place == "over" and by["balloon"].size > 1 and by["balloon"].ref == "lake"


@pytest.mark.parametrize("size", [(512, 512), (768, 512), (512, 768)])
def test_app_sizes(size):
    im = make("pantai dengan perahu layar", w=size[0], h=size[1], style="watercolour").images[0]
    assert im.size == size


# --- builtin-3: placement, sizes, composition, moods -------------------------------------------

from imagegen.builtin import render_image  # noqa: E402
from imagegen.builtin.layout import extent  # noqa: E402
from imagegen.builtin.scene import build_plan  # noqa: E402
from imagegen.builtin.vocabulary import MOODS  # noqa: E402


def plan_for(prompt, seed=1, w=512, h=512, moods=None):
    parsed = parse_prompt(prompt)
    if moods is not None:
        parsed.moods = list(moods)
    return build_plan(parsed, set(), seed, w, h, prompt)


def first(plan, concept):
    return next(it for it in plan.items if it.concept == concept)


def drawn_after(plan, a, b):
    return plan.items.index(a) > plan.items.index(b)


@pytest.mark.parametrize("prompt", ["a balloon over the lake", "balon di atas danau", "a kite above the house"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_over_puts_the_subject_above_its_reference(prompt, seed):
    plan = plan_for(prompt, seed)
    thing = next(it for it in plan.items if it.place == "over")
    ref = next(it for it in plan.items if it.concept == parse_prompt(prompt).subjects[0].ref)
    left, top, right, _ = extent(ref, plan)
    assert extent(thing, plan)[3] < top
    assert left <= thing.x <= right


@pytest.mark.parametrize("prompt", ["a cat under a tree", "kucing di bawah pohon"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_under_puts_the_subject_at_the_foot_of_its_reference(prompt, seed):
    plan = plan_for(prompt, seed)
    cat, tree = first(plan, "cat"), first(plan, "tree")
    left, _, right, _ = extent(tree, plan)
    assert left <= cat.x <= right
    assert abs(cat.y - tree.y) < plan.h * 0.05
    assert drawn_after(plan, cat, tree)


@pytest.mark.parametrize("prompt, side", [("a house left of the tower", "left"), ("rumah di kiri menara", "left"),
                                          ("a house right of the tower", "right"), ("rumah di kanan menara", "right")])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_left_and_right_of_a_reference(prompt, side, seed):
    plan = plan_for(prompt, seed)
    house, tower = first(plan, "house"), first(plan, "tower")
    assert (house.x < tower.x) == (side == "left")
    assert abs(house.y - tower.y) < plan.h * 0.05


@pytest.mark.parametrize("prompt", ["a boat in front of the lighthouse", "perahu di depan mercusuar",
                                    "a dog in front of the house"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_in_front_of_is_lower_nearer_and_drawn_later(prompt, seed):
    plan = plan_for(prompt, seed)
    subjects = parse_prompt(prompt).subjects
    thing, ref = first(plan, subjects[0].concept), first(plan, subjects[1].concept)
    assert thing.y > ref.y and thing.depth > ref.depth and drawn_after(plan, thing, ref)


@pytest.mark.parametrize("prompt, lo, hi", [("a house on the left", 0, 0.4), ("kucing di kanan", 0.6, 1.0),
                                            ("a balloon on the right", 0.6, 1.0)])
def test_placement_in_the_frame(prompt, lo, hi):
    for seed in range(1, 4):
        plan = plan_for(prompt, seed)
        thing = first(plan, parse_prompt(prompt).subjects[0].concept)
        assert lo * plan.w <= thing.x <= hi * plan.w


@pytest.mark.parametrize("concept", ["cat", "house", "balloon", "moon", "kucing"])
def test_size_words_change_the_size(concept):
    def mean_size(prefix):
        sizes = []
        for seed in range(1, 7):
            prompt = f"{prefix} {concept}".strip()
            c = parse_prompt(prompt).subjects[0].concept
            sizes.append(first(plan_for(prompt, seed), c).s)
        return sum(sizes) / len(sizes)

    base = mean_size("")
    big = mean_size("giant") if concept != "kucing" else mean_size("raksasa")
    small = mean_size("tiny") if concept != "kucing" else mean_size("kecil")
    assert big > base * 1.4 and small < base * 0.75


def test_besar_and_raksasa_are_big():
    p = parse_prompt("kucing besar dan rumah raksasa")
    assert all(s.size > 1.3 for s in p.subjects)


@pytest.mark.parametrize("prompt, focal, min_size", [("a cat", "cat", 0.18),
                                                     ("kupu-kupu dan bunga di taman", "butterfly", 0.08),
                                                     ("tent and campfire under many stars", "tent", 0.22)])
def test_sparse_scenes_are_composed(prompt, focal, min_size):
    for seed in (1, 2):
        plan = plan_for(prompt, seed)
        it = first(plan, focal)
        assert it.s >= min_size * min(plan.w, plan.h)
        assert 0.25 * plan.w < it.x < 0.75 * plan.w
        support = {i.concept for i in plan.items if i.group in ("far", "near")} - {focal, "grass", "garden"}
        assert len(support) >= 2, support


def test_campfire_stands_beside_the_tent():
    plan = plan_for("tent and campfire under many stars")
    tent, fire = first(plan, "tent"), first(plan, "campfire")
    assert abs(tent.x - fire.x) < plan.w * 0.35 and abs(tent.y - fire.y) < plan.h * 0.05


def test_temple_words():
    assert [s.concept for s in parse_prompt("candi prambanan").subjects] == ["temple"]
    assert [s.concept for s in parse_prompt("a pagoda").subjects] == ["pagoda"]
    assert [s.concept for s in parse_prompt("tenda").subjects] == ["tent"]
    assert [s.concept for s in parse_prompt("sakura tree and pohon kelapa").subjects] == ["sakura", "palm"]


def test_candi_and_tent_draw_differently():
    a = make("candi", seed=3, w=96, h=96).images[0]
    b = make("tent", seed=3, w=96, h=96).images[0]
    assert a.tobytes() != b.tobytes()


def _diff(a, b):
    small_a, small_b = a.resize((48, 48)), b.resize((48, 48))
    pa, pb = small_a.get_flattened_data(), small_b.get_flattened_data()
    return sum(abs(x - y) for p, q in zip(pa, pb, strict=True) for x, y in zip(p, q, strict=False)) / (len(pa) * 3)


@pytest.mark.parametrize("mood", sorted(MOODS))
def test_every_mood_shows(mood):
    plain = render_image(plan_for("hills and a house by a tree", 5, 128, 128, moods=[]), "flat", 5)
    moody = render_image(plan_for("hills and a house by a tree", 5, 128, 128, moods=[mood]), "flat", 5)
    assert _diff(plain, moody) > 6, mood


def _stats(im, box):
    from PIL import ImageStat

    st = ImageStat.Stat(im.crop(box).convert("L"))
    return st.mean[0], st.stddev[0]


def test_fog_fades_the_far_layers():
    prompt = "mountains and a forest with a house"
    clear = render_image(plan_for(prompt, 2, 128, 128, moods=[]), "flat", 2)
    plan = plan_for(prompt, 2, 128, 128, moods=["foggy"])
    foggy = render_image(plan, "flat", 2)
    band = (0, int(plan.horizon - 40), 128, int(plan.horizon + 5))
    assert _stats(foggy, band)[1] < _stats(clear, band)[1] * 0.7


def test_storm_darkens_the_sky():
    clear = render_image(plan_for("a lighthouse by the sea", 2, 128, 128, moods=[]), "flat", 2)
    storm = render_image(plan_for("a lighthouse by the sea", 2, 128, 128, moods=["stormy"]), "flat", 2)
    assert _stats(storm, (0, 0, 128, 30))[0] < _stats(clear, (0, 0, 128, 30))[0] - 40
