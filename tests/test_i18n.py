"""The catalogue check (issue 9): every string is wrapped, every message is translated, the committed
.mo files are what the .po files compile to, and the main pages in Indonesian have no English left."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

from tests.conftest import AuthActions, make_app
from tests.sharing_helpers import picture_post

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATES = ROOT / "templates"
LOCALES = ("en", "id")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")


def read_catalogue(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str, str | None]]:
    """What `pybabel extract -F translations/babel.cfg` finds in the code now: (msgid, context) pairs."""
    with open(TRANSLATIONS / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, options_map,
                                                                      keywords=keywords):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.add((key, context))
    assert len(found) > 500, "the extraction found too little: is babel.cfg right?"
    return found


@pytest.fixture(scope="module")
def indonesian() -> Catalog:
    return read_catalogue("id")


def test_every_message_is_in_both_catalogues(extracted, indonesian):
    english = read_catalogue("en")
    missing_id = sorted(key for key, context in extracted if indonesian.get(key, context) is None)
    missing_en = sorted(key for key, context in extracted if english.get(key, context) is None)
    assert not missing_id, f"not in translations/id (run pybabel extract + update, then translate): {missing_id[:20]}"
    assert not missing_en, f"not in translations/en (run pybabel update): {missing_en[:20]}"


def test_every_message_is_translated_to_indonesian(extracted, indonesian):
    untranslated, fuzzy = [], []
    for key, context in extracted:
        message = indonesian.get(key, context)
        if message is None:
            continue  # the test above names it
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if not all(s and s.strip() for s in strings):
            untranslated.append(key)
        if message.fuzzy:
            fuzzy.append(key)
    assert not untranslated, f"empty translations in translations/id: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy translations in translations/id (check them, then drop the flag): {fuzzy[:20]}"


def test_translations_keep_their_placeholders(indonesian):
    """A translation names the same %(name)s placeholders as its English (the plural's, for ngettext)."""
    wrong = []
    for message in indonesian:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [(ids[0], s) for s in strings if s and set(PLACEHOLDER.findall(s)) != wanted]
    assert not wrong, wrong[:10]


def test_no_obsolete_messages_linger(indonesian):
    assert not indonesian.obsolete, f"obsolete entries in translations/id: {list(indonesian.obsolete)[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_mo_is_the_compiled_po(locale):
    """The app runs from a fresh clone without a build step, so the .mo files are committed: they must be
    exactly what `pybabel compile -d translations` makes from the .po files."""
    compiled = io.BytesIO()
    write_mo(compiled, read_catalogue(locale))
    compiled.seek(0)
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        committed = read_mo(fh)
    fresh = read_mo(compiled)

    def pairs(catalogue):
        def flat(value):
            return tuple(value) if isinstance(value, (tuple, list)) else value

        return {(m.context, flat(m.id)): flat(m.string) for m in catalogue if m.id}

    assert pairs(committed) == pairs(fresh), "run: pybabel compile -d translations"


# -- (b) every piece of text in a template goes through _() --------------------------------------------

HOLE = "\ue000"  # where a {{ }} or {% %} was: not a letter, so it splits words
TEXT_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
NOT_TEXT = {"script", "style", "code", "pre", "kbd", "samp"}
# Names and units that read the same in every language Easel speaks.
UNTRANSLATED = {"Easel", "htmx", "KB", "MB", "GB", "JPEG", "PNG", "WebP", "AI", "TOTP", "URL", "Atom", "RSS"}
WORD = re.compile(r"[^\W\d_]{2,}")
NOT_WORDS = re.compile(r"\S*[./@:]\S*")  # file names, addresses, handles: robots.txt, /path, @name


class TextFinder(HTMLParser):
    """The text a reader sees (and hears) in an HTML fragment: data, and the text attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_TEXT:
            self.hidden += 1
        for name, value in attrs:
            if name.replace(HOLE, "") in TEXT_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in NOT_TEXT and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.texts.append(data)


def bare_words(source: str, name: str) -> list[str]:
    """Words a template shows outside {{ _() }}: its data tokens, with every tag and expression a hole.

    Blocks whose name ends in `_class` hold CSS classes, not text."""
    lexer = Environment(extensions=["jinja2.ext.i18n"]).lexer
    pieces, skip, tokens = [], 0, list(lexer.tokeniter(source, name))
    for index, (_line, kind, value) in enumerate(tokens):
        if kind == "name" and value == "block" and index + 2 < len(tokens):
            following = [t for t in tokens[index + 1:index + 4] if t[1] == "name"]
            if following and following[0][2].endswith("_class"):
                skip += 1
        elif kind == "name" and value == "endblock" and skip:
            skip -= 1
        if kind == "data":
            pieces.append(HOLE if skip else value)
        elif not pieces or pieces[-1] != HOLE:
            pieces.append(HOLE)
    finder = TextFinder()
    finder.feed("".join(pieces))
    finder.close()
    words = []
    for text in finder.texts:
        for part in text.split(HOLE):
            words += [w for w in WORD.findall(NOT_WORDS.sub(" ", part)) if w not in UNTRANSLATED]
    return words


def sentence_literals(source: str, name: str) -> list[str]:
    """String literals in expressions that read like text ("Unblock all") and are not inside _()."""
    lexer = Environment(extensions=["jinja2.ext.i18n"]).lexer
    found, depth, inside, previous = [], 0, [], None
    for _line, kind, value in lexer.tokeniter(source, name):
        if kind == "operator" and value in "([{":
            depth += 1
            if value == "(" and previous in {"_", "gettext", "ngettext", "pgettext", "npgettext"}:
                inside.append(depth)
        elif kind == "operator" and value in ")]}":
            if inside and inside[-1] == depth:
                inside.pop()
            depth -= 1
        elif kind == "string" and not inside:
            text = value[1:-1]
            if re.fullmatch(r"[A-Z][a-z]+(?: [a-zA-Z,.!?']+)+", text):
                found.append(text)
        if kind != "whitespace":
            previous = value if kind == "name" else None
    return found


TEMPLATE_FILES = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*")
                        if p.suffix in (".html", ".xml"))


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_template_text_is_wrapped(name):
    source = (TEMPLATES / name).read_text()
    assert not bare_words(source, name), f"{name}: text outside _(): {bare_words(source, name)[:12]}"
    assert not sentence_literals(source, name), f"{name}: strings outside _(): {sentence_literals(source, name)}"


@pytest.mark.parametrize("source, words", [
    ('<p>Hello {{ name }}</p>', ["Hello"]),
    ('<p>{{ _("Hello") }}</p><img alt="A cat" src="/x.png">', ["cat"]),
    ('<input placeholder="{{ _(\'Search\') }}"><a title="Go home">', ["Go", "home"]),
    ('<button aria-label="Close">×</button><code>flask run</code>', ["Close"]),
    ('<main class="{% block main_class %}admin-main{% endblock %}">@{{ u }} · robots.txt</main>', []),
    ('<script>var x = "not text";</script><span>{% if a %}Yes{% endif %}</span>', ["Yes"]),
])
def test_the_wrapping_check_finds_bare_text(source, words):
    assert bare_words(source, "t.html") == words


def test_the_wrapping_check_finds_bare_literals():
    source = '{% with label="Unblock all", cls="btn btn-ghost" %}{{ _("Fine words") }}{% endwith %}'
    assert sentence_literals(source, "t.html") == ["Unblock all"]


# -- (c) the main pages in Indonesian: no English left --------------------------------------------------


def visible_text(html: str) -> str:
    finder = TextFinder()
    finder.feed(html.replace("<head>", "<script>").replace("</head>", "</script>"))
    finder.close()
    return " ".join(" ".join(finder.texts).split())


def text_nodes(html: str) -> set[str]:
    finder = TextFinder()
    finder.feed(html.replace("<head>", "<script>").replace("</head>", "</script>"))
    finder.close()
    return {" ".join(text.split()) for text in finder.texts if text.strip()}


def english_labels(indonesian: Catalog) -> set[str]:
    """Whole English messages (a button, a heading, a label: any length) translated differently; a page
    whose text node is exactly one of them shows untranslated text."""
    indonesian_strings = set()
    for message in indonesian:
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        indonesian_strings.update(" ".join(s.split()) for s in strings if s)
    labels = set()
    for message in indonesian:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        labels.update(" ".join(i.split()) for i in ids if not PLACEHOLDER.search(i) and WORD.search(i))
    return labels - indonesian_strings


def english_leftovers(indonesian: Catalog) -> list[re.Pattern]:
    """The English of every message translated differently, as whole phrases of two words or more (the
    literal runs between placeholders); phrases an Indonesian translation itself uses are left out."""
    used_in_indonesian = " ".join(
        " ".join(m.string) if isinstance(m.string, (tuple, list)) else m.string for m in indonesian if m.id)
    phrases = set()
    for message in indonesian:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if set(ids) == set(strings):
            continue
        for english in ids:
            for run in PLACEHOLDER.split(english):
                run = " ".join(run.split()).strip(" .,:;!?()")
                if len(WORD.findall(run)) >= 2 and run not in used_in_indonesian:
                    phrases.add(run)
    return [re.compile(r"(?<!\w)" + re.escape(p) + r"(?!\w)") for p in sorted(phrases)]


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """An instance with an admin (root), two members, a post with a reply and a like, and a finished generation."""
    app = make_app(tmp_path_factory.mktemp("i18n") / "data")
    from models.db import connect

    db = connect(app.config["DATABASE"])
    root, ana, bo = (AuthActions(app.test_client()) for _ in range(3))
    for actions, name in ((root, "root"), (ana, "ana"), (bo, "bo")):
        assert actions.signup(name).status_code == 303
    post_id = picture_post(app, db, "ana", caption="Senja di pantai #senja", prompt="pantai saat senja")
    assert bo.post(f"/p/{post_id}/like").status_code in (200, 303)
    assert bo.post(f"/p/{post_id}/reply", {"text": "Indah sekali"}).status_code in (200, 303)
    assert bo.post("/u/ana/follow").status_code in (200, 303)
    ana.generate("gunung biru")
    try:
        yield {"app": app, "root": root, "ana": ana, "bo": bo, "post": post_id}
    finally:
        db.close()
        app.extensions["easel_worker"].stop()


PAGES = [
    ("ana", "/"), ("ana", "/explore"), ("ana", "/latest"), ("ana", "/p/{post}"), ("ana", "/u/ana"),
    ("ana", "/studio"), ("ana", "/notifications"), ("ana", "/settings"), ("ana", "/search?q=senja"),
    ("ana", "/about"), ("ana", "/bookmarks"), ("ana", "/tags/senja"), ("ana", "/u/ana/followers"),
    (None, "/"), (None, "/login"), (None, "/signup"), (None, "/about"), (None, "/p/{post}"),
    ("ana", "/settings/account"), ("ana", "/settings/data"), ("ana", "/settings/two-factor"),
    ("ana", "/p/{post}/quote"), ("ana", "/p/{post}/remixes"), ("bo", "/p/{post}/report"), ("bo", "/u/ana/report"),
    ("bo", "/notifications"), ("ana", "/u/ana/likes"), ("ana", "/offline"),
    ("root", "/admin"), ("root", "/admin/settings"), ("root", "/admin/members"), ("root", "/admin/members/ana"),
    ("root", "/admin/reports"), ("root", "/admin/review"), ("root", "/admin/rules"), ("root", "/admin/audit"),
    ("root", "/admin/signups"), ("root", "/admin/invites"), ("root", "/admin/backends"), ("root", "/admin/data"),
]


@pytest.mark.parametrize("who, path", PAGES)
def test_page_in_indonesian_has_no_english_left(community, indonesian, who, path):
    client = community[who].client if who else community["app"].test_client()
    response = client.get(path.format(post=community["post"]), headers={"Accept-Language": "id-ID,id;q=0.9"})
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    text = visible_text(html)
    leftovers = sorted({p.pattern for p in english_leftovers(indonesian) if p.search(text)})
    assert not leftovers, f"{path}: English in the Indonesian page: {leftovers[:10]}"
    labels = sorted(text_nodes(html) & english_labels(indonesian))
    assert not labels, f"{path}: untranslated labels in the Indonesian page: {labels[:10]}"
