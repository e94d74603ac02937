"""Words the builtin generator understands, in English and Bahasa Indonesia.

Every table maps a canonical concept to the words (or short phrases) that mean it. Word order
in Indonesian puts adjectives after the noun ("perahu merah"), so each word also records its
language; the parser uses that to attach colours and sizes to the right subject.
"""

from __future__ import annotations

# concept -> (slot, English words, Indonesian words). The slot says where the subject lives.
SUBJECTS: dict[str, tuple[str, str, str]] = {
    # sky things
    "sun": ("sky", "sun sunshine", "matahari mentari surya"),
    "moon": ("sky", "moon crescent moonlight full_moon", "bulan rembulan purnama bulan_purnama"),
    "stars": ("sky", "star stars starry", "bintang berbintang gemintang"),
    "clouds": ("sky", "cloud clouds cloudy", "awan berawan mega"),
    "rainbow": ("sky", "rainbow", "pelangi"),
    "aurora": ("sky", "aurora northern_lights", "cahaya_utara"),
    "comet": ("sky", "comet shooting_star meteor", "komet bintang_jatuh"),
    "planet": ("sky", "planet saturn", "saturnus"),
    "galaxy": ("sky", "galaxy milky_way nebula", "galaksi bima_sakti"),
    "rain": ("weather", "rain rainy raining", "hujan gerimis"),
    "snow": ("weather", "snow snowy snowfall snowflakes", "salju bersalju"),
    "lightning": ("weather", "lightning thunder thunderstorm", "petir kilat guntur"),
    # land and water
    "mountains": ("far", "mountain mountains peak peaks alps", "gunung pegunungan"),
    "hills": ("far", "hill hills valley", "bukit perbukitan lembah"),
    "volcano": ("far", "volcano", "gunung_berapi gunung_api"),
    "desert": ("ground", "desert sahara", "gurun padang_pasir"),
    "dunes": ("ground", "dune dunes sand", "bukit_pasir pasir"),
    "ocean": ("ground", "ocean sea seascape", "laut lautan samudra samudera"),
    "waves": ("ground", "wave waves surf", "ombak gelombang"),
    "lake": ("ground", "lake pond", "danau kolam telaga"),
    "river": ("ground", "river stream creek", "sungai kali"),
    "waterfall": ("far", "waterfall cascade", "air_terjun curug"),
    "island": ("far", "island islands", "pulau kepulauan"),
    "beach": ("ground", "beach shore coast seaside", "pantai pesisir"),
    "rice_terraces": ("ground", "rice_terraces rice_terrace rice_field rice_fields paddy", "sawah terasering"),
    "field": ("ground", "field fields farm farmland", "ladang"),
    "meadow": ("ground", "meadow meadows grassland prairie", "padang_rumput"),
    "forest": ("far", "forest woods jungle woodland", "hutan rimba"),
    "pine": ("near", "pine pines fir spruce", "pinus cemara"),
    "palm": ("near", "palm palms palm_tree coconut", "palem kelapa nyiur"),
    "tree": ("near", "tree trees oak", "pohon"),
    "flowers": ("near", "flower flowers blossom blossoms", "bunga kembang"),
    "grass": ("near", "grass", "rumput ilalang"),
    "garden": ("ground", "garden park", "taman kebun"),
    "bamboo": ("near", "bamboo", "bambu"),
    "cactus": ("near", "cactus cacti", "kaktus"),
    "rocks": ("near", "rock rocks stone stones boulder", "batu karang"),
    "mushroom": ("near", "mushroom mushrooms toadstool", "jamur"),
    "sakura": ("near", "sakura cherry_blossom", "bunga_sakura"),
    # built things
    "city": ("far", "city town metropolis", "kota perkotaan"),
    "skyline": ("far", "skyline skyscraper skyscrapers", "pencakar_langit gedung"),
    "tower": ("near", "tower", "menara"),
    "temple": ("near", "temple shrine stupa borobudur prambanan", "candi kuil pura"),
    "pagoda": ("near", "pagoda", "pagoda klenteng"),
    "mosque": ("near", "mosque", "masjid"),
    "house": ("near", "house houses home cottage hut cabin", "rumah pondok gubuk"),
    "village": ("near", "village", "desa kampung"),
    "castle": ("near", "castle palace fortress", "kastil istana benteng"),
    "lighthouse": ("near", "lighthouse", "mercusuar"),
    "bridge": ("near", "bridge", "jembatan"),
    "road": ("ground", "road street path", "jalan jalanan"),
    "windmill": ("near", "windmill", "kincir_angin"),
    "tent": ("near", "tent camp camping", "tenda kemah"),
    "campfire": ("near", "campfire bonfire fire", "api_unggun api"),
    # things in the scene
    "boat": ("water", "boat boats ship canoe", "perahu kapal sampan"),
    "sailboat": ("water", "sailboat sailboats yacht", "perahu_layar kapal_layar"),
    "whale": ("water", "whale", "paus ikan_paus"),
    "fish": ("water", "fish koi", "ikan"),
    "balloon": ("air", "balloon balloons hot_air_balloon", "balon balon_udara"),
    "kite": ("air", "kite kites", "layang_layang layangan"),
    "bird": ("air", "bird birds seagull gull", "burung camar"),
    "butterfly": ("air", "butterfly butterflies", "kupu_kupu"),
    "lantern": ("air", "lantern lanterns", "lentera lampion"),
    "fireflies": ("air", "firefly fireflies", "kunang_kunang"),
    "rocket": ("air", "rocket spaceship", "roket"),
    "cat": ("near", "cat cats kitten", "kucing"),
    "dog": ("near", "dog dogs puppy", "anjing"),
    "deer": ("near", "deer", "rusa kijang"),
    "rabbit": ("near", "rabbit bunny", "kelinci"),
    "owl": ("near", "owl", "burung_hantu"),
    "car": ("near", "car", "mobil"),
    "train": ("near", "train", "kereta kereta_api"),
}

# colour -> (RGB, English words, Indonesian words)
COLOURS: dict[str, tuple[tuple[int, int, int], str, str]] = {
    "red": ((214, 48, 49), "red", "merah"),
    "crimson": ((170, 20, 50), "crimson", "merah_tua"),
    "scarlet": ((240, 50, 30), "scarlet", "merah_menyala"),
    "maroon": ((120, 24, 40), "maroon burgundy", "marun"),
    "orange": ((245, 130, 40), "orange", "jingga oranye oren"),
    "amber": ((250, 175, 40), "amber", "ambar"),
    "yellow": ((250, 215, 60), "yellow", "kuning"),
    "gold": ((222, 175, 55), "gold golden", "emas keemasan"),
    "lime": ((160, 220, 60), "lime", "hijau_muda"),
    "green": ((60, 170, 80), "green", "hijau"),
    "emerald": ((20, 140, 100), "emerald", "zamrud"),
    "olive": ((120, 130, 50), "olive", "zaitun"),
    "mint": ((150, 230, 190), "mint", "hijau_mint"),
    "teal": ((20, 128, 128), "teal", "hijau_kebiruan"),
    "turquoise": ((50, 200, 190), "turquoise", "toska tosca pirus"),
    "cyan": ((40, 210, 235), "cyan aqua", "sian"),
    "blue": ((45, 100, 210), "blue", "biru"),
    "azure": ((90, 170, 245), "azure sky_blue", "biru_langit biru_muda"),
    "navy": ((25, 40, 100), "navy", "biru_tua biru_dongker"),
    "indigo": ((70, 50, 150), "indigo", "nila"),
    "violet": ((140, 80, 210), "violet", "lembayung"),
    "purple": ((130, 60, 170), "purple", "ungu"),
    "lavender": ((185, 160, 230), "lavender lilac", "lavender lila"),
    "magenta": ((215, 40, 160), "magenta fuchsia", "magenta fusia"),
    "pink": ((245, 140, 180), "pink", "merah_muda merah_jambu"),
    "rose": ((230, 90, 120), "rose", "mawar"),
    "coral": ((250, 120, 95), "coral", "koral"),
    "peach": ((255, 190, 150), "peach", "persik"),
    "brown": ((130, 85, 50), "brown", "coklat cokelat"),
    "copper": ((190, 105, 60), "copper bronze", "tembaga perunggu"),
    "beige": ((225, 205, 170), "beige tan", "krem"),
    "cream": ((250, 240, 210), "cream ivory", "gading"),
    "white": ((245, 245, 240), "white", "putih"),
    "silver": ((190, 195, 205), "silver", "perak"),
    "grey": ((130, 135, 140), "grey gray", "abu_abu kelabu"),
    "black": ((25, 25, 30), "black", "hitam"),
}

# time of day -> (English, Indonesian)
TIMES: dict[str, tuple[str, str]] = {
    "dawn": ("dawn sunrise daybreak", "fajar subuh matahari_terbit"),
    "morning": ("morning", "pagi"),
    "noon": ("noon midday day daytime", "siang tengah_hari"),
    "afternoon": ("afternoon", "sore"),
    "sunset": ("sunset dusk evening twilight", "senja petang matahari_terbenam magrib"),
    "night": ("night midnight nighttime", "malam tengah_malam"),
}

# mood / season -> (English, Indonesian)
MOODS: dict[str, tuple[str, str]] = {
    "foggy": ("fog foggy mist misty haze hazy", "kabut berkabut"),
    "stormy": ("storm stormy", "badai"),
    "dreamy": ("dreamy dream fantasy magical magic", "mimpi khayalan ajaib magis"),
    "neon": ("neon cyberpunk synthwave retro", "neon"),
    "autumn": ("autumn fall", "musim_gugur gugur"),
    "winter": ("winter frozen icy ice", "musim_dingin beku es"),
    "spring": ("spring", "musim_semi"),
    "summer": ("summer", "musim_panas"),
    "calm": ("calm peaceful serene quiet tranquil", "tenang damai sunyi"),
    "gloomy": ("gloomy dark spooky eerie", "suram gelap seram"),
    "cheerful": ("happy bright cheerful sunny", "ceria cerah bahagia"),
    "tropical": ("tropical", "tropis"),
}

# size -> (scale, English, Indonesian)
SIZES: dict[str, tuple[float, str, str]] = {
    "tiny": (0.45, "tiny little mini", "mungil kecil_sekali"),
    "small": (0.65, "small", "kecil"),
    "big": (1.5, "big large tall", "besar tinggi"),
    "giant": (2.0, "giant huge enormous massive gigantic", "raksasa sangat_besar"),
}

# placement -> (English, Indonesian)
PLACES: dict[str, tuple[str, str]] = {
    "left": ("left", "kiri"),
    "right": ("right", "kanan"),
    "center": ("center centre middle", "tengah"),
    "over": ("over above", "atas di_atas"),
    "under": ("under below beneath", "bawah di_bawah"),
    "front": ("in_front_of front foreground", "depan di_depan"),
    "behind": ("behind background", "belakang di_belakang"),
}

NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
    "few": 3, "a_few": 3, "several": 4, "some": 3, "many": 8, "lots": 9, "lots_of": 9,
    "countless": 12, "dozens": 12,
    "satu": 1, "sebuah": 1, "seekor": 1, "sebatang": 1, "dua": 2, "tiga": 3, "empat": 4,
    "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9, "sepuluh": 10,
    "beberapa": 4, "banyak": 8, "sejumlah": 4, "ribuan": 12,
}

# Glue words: neither understood nor ignored.
STOPWORDS = frozenset(
    "the of and with in on at by to for from is are was very its it this that into near "
    "under_the over_the".split()
    + "yang dan di ke dengan dari para sang si ada pada sangat oleh untuk serta atau itu ini "
    "sedang para sebelah samping ada terdapat".split()
)

# Subjects that mean "some" when no number is given ("bunga", "flowers", "rumput").
MASS_NOUNS = frozenset({"flowers", "grass", "stars", "clouds", "fireflies", "rocks", "bamboo", "mushroom"})

INDONESIAN_WORDS: set[str] = set()


def _index() -> dict[str, tuple[str, str]]:
    """Map every word/phrase (with '_' for spaces) to (table, key)."""
    table: dict[str, tuple[str, str]] = {}
    groups = [
        ("subject", {k: (en, idn) for k, (_, en, idn) in SUBJECTS.items()}),
        ("colour", {k: (en, idn) for k, (_, en, idn) in COLOURS.items()}),
        ("time", TIMES),
        ("mood", MOODS),
        ("size", {k: (en, idn) for k, (_, en, idn) in SIZES.items()}),
        ("place", PLACES),
    ]
    for kind, entries in groups:
        for key, (en, idn) in entries.items():
            for word in en.split():
                table.setdefault(word, (kind, key))
            for word in idn.split():
                table.setdefault(word, (kind, key))
                INDONESIAN_WORDS.add(word)
    return table


LEXICON = _index()
MAX_PHRASE = max(word.count("_") + 1 for word in LEXICON)


def all_words() -> list[tuple[str, str, str]]:
    """Every (phrase, kind, key) the vocabulary knows, phrases with spaces."""
    return sorted((w.replace("_", " "), kind, key) for w, (kind, key) in LEXICON.items())
