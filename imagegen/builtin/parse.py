"""Prompt text -> what the member asked for (subjects with counts, sizes, colours, places)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocabulary import COLOURS, INDONESIAN_WORDS, LEXICON, MASS_NOUNS, MAX_PHRASE, NUMBERS, SIZES, STOPWORDS

_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_IRREGULAR_PLURAL = {"fish": "fish", "deer": "deer", "butterfly": "butterflies", "bamboo": "bamboo",
                     "grass": "grass", "sakura": "sakura", "rice terraces": "rice terraces",
                     "city": "cities", "cactus": "cacti", "stars": "stars", "clouds": "clouds",
                     "flowers": "flowers", "mountains": "mountains", "hills": "hills",
                     "rocks": "rocks", "fireflies": "fireflies", "dunes": "dunes", "waves": "waves"}


_TREES = {"sakura", "palm", "pine", "bamboo", "cactus"}


@dataclass
class Subject:
    concept: str
    count: int = 1
    plural: bool = False  # asked for "boats" without a number
    size: float = 1.0
    size_word: str = ""
    colour: tuple[int, int, int] | None = None
    colour_word: str = ""
    place: str = ""
    ref: str = ""  # the subject a place word relates to ("over the lake")
    counted: bool = False  # a number word was given ("a", "three", "tiga")

    def label(self) -> str:
        """A short English label, e.g. '2 red boats'."""
        name = self.concept.replace("_", " ")
        many = self.count > 1
        if many:
            name = _IRREGULAR_PLURAL.get(name, name + "s")
        words = [str(self.count)] if many else []
        words += [w for w in (self.size_word, self.colour_word) if w]
        words.append(name)
        text = " ".join(words)
        if self.place:
            text += f" ({self.place}{' ' + self.ref.replace('_', ' ') if self.ref else ''})"
        return text


@dataclass
class Parsed:
    subjects: list[Subject] = field(default_factory=list)
    time: str = ""
    moods: list[str] = field(default_factory=list)
    colours: list[tuple[str, tuple[int, int, int]]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)

    def labels(self, removed: set[str]) -> list[str]:
        """What was understood, as short labels, leaving out removed subjects."""
        out = [name for name, _ in self.colours]
        out += [self.time] if self.time else []
        out += self.moods
        return out + [s.label() for s in self.subjects if s.concept not in removed]

    def concepts(self) -> set[str]:
        """The subject concepts asked for."""
        return {s.concept for s in self.subjects}


def _lookup(word: str) -> tuple[str, str] | None:
    if word in LEXICON:
        return LEXICON[word]
    if word in NUMBERS:
        return ("number", word)
    return None


def _singular(word: str) -> str | None:
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[: -len(suffix)] + repl
            if base in LEXICON:
                return base
    return None


def tokenize(text: str) -> list[tuple[str, str, str, bool, bool]]:
    """Split text into (kind, key, word, is_indonesian, plural) items; kind 'unknown' if unknown."""
    raw: list[str] = []
    plural_at: set[int] = set()
    for tok in _TOKEN.findall(text.lower()):
        if "-" in tok:
            parts = tok.split("-")
            joined = "_".join(parts)
            if joined in LEXICON:
                raw.append(joined)
                continue
            if len(parts) == 2 and parts[0] == parts[1]:  # Indonesian reduplication: burung-burung
                plural_at.add(len(raw))
                raw.append(parts[0])
                continue
            raw.extend(p for p in parts if p)
        else:
            raw.append(tok)
    items = []
    i = 0
    while i < len(raw):
        for n in range(min(MAX_PHRASE, len(raw) - i), 0, -1):
            phrase = "_".join(raw[i : i + n])
            hit = _lookup(phrase)
            plural = i in plural_at
            if hit is None:
                base = _singular(phrase)
                if base is not None:
                    hit, plural = LEXICON[base], True
            if hit is not None:
                if hit[0] == "subject" and phrase.endswith("s") and not plural:
                    plural = _singular(phrase) is not None and LEXICON[_singular(phrase)] == hit
                items.append((hit[0], hit[1], phrase, phrase in INDONESIAN_WORDS, plural))
                i += n
                break
        else:
            word = raw[i]
            kind = "stop" if word in STOPWORDS or word.isdigit() is False and len(word) < 2 else "unknown"
            if word.isdigit():
                kind = "digit"
            items.append((kind, word, word, False, False))
            i += 1
    return items


def _relates_forward(items, pos: int, is_id: bool) -> bool:
    """True when a left/right word names a reference after it: "left of X", "kiri X", "kiri dari X"."""
    rest = [it for it in items[pos + 1 : pos + 4] if it[2] not in ("the", "a", "an")]
    if not rest:
        return False
    if rest[0][2] in ("of", "dari"):
        return len(rest) > 1 and rest[1][0] == "subject"
    return is_id and rest[0][0] == "subject"


def parse_prompt(prompt: str) -> Parsed:
    """Read a prompt into subjects, time of day, moods, global colours and unknown words."""
    out = Parsed()
    items = tokenize(prompt)
    pending: dict = {}
    last: Subject | None = None
    last_pos = -9
    place_for_prev = ""
    lead: list[str] = []  # "di atas bukit ada rumah": [place, ref] waiting for the placed subject
    for pos, (kind, key, word, is_id, plural) in enumerate(items):
        if kind == "subject":
            if last is not None and pos - last_pos == 1 and {key, last.concept} & {"tree"} and \
                    {key, last.concept} - {"tree"} <= _TREES:  # "sakura tree", "pohon kelapa": one subject
                if last.concept == "tree":
                    last.concept = key
                if plural and not last.counted:  # "pine trees"
                    last.count = 0
                last_pos = pos
                continue
            subj = Subject(key, plural=plural)
            if "count" in pending:
                subj.count, subj.counted = pending["count"], True
            elif plural or key in MASS_NOUNS:
                subj.count = 0  # decided by the planner ("bunga" means flowers, not one flower)
            if "size" in pending:
                subj.size, subj.size_word = SIZES[pending["size"]][0], pending["size"]
            if "colour" in pending:
                subj.colour, subj.colour_word = COLOURS[pending["colour"]][0], pending["colour"]
            if "place" in pending:
                subj.place = pending["place"]
            if place_for_prev and last is not None:
                last.ref = key
                place_for_prev = ""
            if len(lead) == 1:
                lead.append(key)
            elif len(lead) == 2 and key != lead[1] and not subj.place:
                subj.place, subj.ref = lead
                lead = []
            pending = {}
            existing = next((s for s in out.subjects if s.concept == key), None)
            if existing is not None:  # "birds ... burung" twice: merge
                existing.count = max(existing.count, subj.count) if subj.count else existing.count
                last = existing
            else:
                out.subjects.append(subj)
                last = subj
            last_pos = pos
        elif kind == "number":
            pending["count"] = NUMBERS[key]
        elif kind == "digit":
            pending["count"] = max(1, min(int(key[:3]), 24))
        elif kind in ("colour", "size"):
            # Indonesian adjectives follow the noun: "perahu merah".
            if is_id and last is not None and pos - last_pos <= 2 and kind not in pending:
                if kind == "colour" and last.colour is None:
                    last.colour, last.colour_word = COLOURS[key][0], key
                    last_pos = pos
                    continue
                if kind == "size" and not last.size_word:
                    last.size, last.size_word = SIZES[key][0], key
                    last_pos = pos
                    continue
            nxt = next((it for it in items[pos + 1 : pos + 4] if it[0] not in ("stop",)), None)
            if kind == "colour" and (nxt is None or nxt[0] != "subject" and nxt[0] not in ("size", "colour")):
                if all(c[0] != key for c in out.colours):
                    out.colours.append((key, COLOURS[key][0]))
            else:
                pending[kind] = key
        elif kind == "place":
            if key in ("left", "right", "center"):
                if last is not None and not last.place and pos - last_pos <= 3:
                    last.place = key
                    if _relates_forward(items, pos, is_id):  # "left of the tower", "di kiri menara"
                        place_for_prev = key
                else:
                    pending["place"] = key
            elif last is not None and not last.place:
                last.place = key
                place_for_prev = key
            elif last is None and not lead:
                lead = [key]
        elif kind == "time":
            out.time = out.time or key
        elif kind == "mood":
            if key not in out.moods:
                out.moods.append(key)
        elif kind == "unknown":
            if word not in out.unknown:
                out.unknown.append(word)
    out.understood = out.labels(set())
    return out


def removed_concepts(negative: str) -> tuple[set[str], set[str], set[str]]:
    """Subjects, moods and colours named in a negative prompt."""
    neg = parse_prompt(negative)
    colours = {name for name, _ in neg.colours} | {s.colour_word for s in neg.subjects if s.colour_word}
    return neg.concepts(), set(neg.moods) | ({neg.time} if neg.time else set()), colours
