"""Seed a synthetic Easel community by bulk inserts straight into SQLite (a benchmark, not a test).

Usage:
    python bench/seed.py --data-dir /tmp/bench-1m --members 10000 --posts 1000000 [--seed 1] [--force]

What it makes, spread over the last 60 days with ids increasing with time:
  * members (all with the password "benchmark-pass"; ONE werkzeug hash computed and reused), a third
    with an avatar; member 1 is the admin. Usernames are m1, m2, ... (m<id>).
  * a handful of real pictures drawn once by the builtin generator and stored with store_image; every
    generation/media row reuses one of them.
  * posts: ~85% picture posts (a finished generation + media + post_media), ~10% replies to recent
    picture posts, ~5% reposts (post rows with repost_of). About 5% of picture posts hide their prompt.
  * posting activity is log-normal (a few members post a lot); follows ~50 per member towards a
    Zipf-like popularity (the most popular members are followed by most of the community).
  * likes: log-normal per post (mean ~4), most within hours of the post; like/reply/repost counters
    on posts are computed from the inserted rows, so they are exact.
  * hashtags on ~20% of captions (Zipf-like over a few hundred tags), post_tags rows as the app
    writes them (models.text.hashtags decides what a tag is).
  * notifications as the app would have written them for replies, reposts, follows made in the
    window and likes of the last 14 days; those older than 3 days are marked read.

Speed: migrations run first through create_app(); then, for the seeding connection only:
journal_mode=OFF, synchronous=OFF, a 2 GB page cache, foreign keys off, executemany in one
transaction per table. The FTS trigger on posts is dropped while posts go in, the index is rebuilt
with one INSERT ... SELECT that has the trigger's exact semantics (reposts and deleted posts not
indexed, hidden prompts indexed as ''), and the trigger is recreated from its saved SQL; a sample
is then checked against what the trigger would have written. The database ends in WAL mode.
No ANALYZE is run: a real instance never runs one either, so the planner sees what it sees in life.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "benchmark-pass"
DAY = 86400.0
WINDOW_DAYS = 60
CHUNK = 100_000

SUBJECTS = ["red fox", "lighthouse", "two boats", "hot air balloons", "old temple", "cat", "dragon",
            "pine forest", "castle", "robot", "whale", "mountain village", "windmill", "koi pond",
            "rice terraces", "city skyline", "owl", "train", "desert caravan", "waterfall", "sunflowers",
            "coconut trees", "snowman", "paper lanterns", "jellyfish", "volcano", "bridge", "garden"]
PLACES = ["by the sea", "on a hill", "in the rain", "under the stars", "at the harbour", "in the snow",
          "over green hills", "in a misty valley", "on the moon", "in the desert", "near a river",
          "in a neon city", "among clouds", "on an island", "in autumn woods"]
TIMES = ["at dawn", "at sunset", "at night", "at noon", "in spring", "in winter", "after the storm", ""]
MOODS = ["calm", "dreamy", "cheerful", "moody", "golden", "misty", "bright", "lonely", "cosy", ""]
CAPTION_WORDS = ["love", "this", "one", "came", "out", "better", "than", "expected", "again", "my",
                 "favourite", "so", "far", "trying", "a", "new", "style", "today", "what", "do", "you",
                 "think", "colours", "finally", "the", "sky", "light", "morning", "quiet", "little"]
REPLY_TEXTS = ["Wonderful!", "The colours are lovely", "How did you get that sky?", "Remixing this",
               "So calm", "This is my favourite of yours", "What seed was this?", "Beautiful light",
               "Love the composition", "Great style choice", "Wow", "Need this as a poster"]
FIRST = ["ana", "budi", "chen", "dewi", "eli", "farah", "gita", "hugo", "ines", "joko", "kim", "lea",
         "mika", "nora", "omar", "putri", "rui", "sari", "tom", "uma", "vera", "wira", "yuki", "zoe"]
IMAGE_SPECS = [  # (prompt, style, width, height): drawn once each, reused by every generation
    ("red sunset over the ocean with two boats", "flat", 512, 512),
    ("neon city skyline at night", "neon", 768, 512),
    ("snowy mountains and pine forest at dawn", "watercolour", 512, 512),
    ("three hot air balloons over green hills", "lowpoly", 512, 768),
    ("old temple in a misty valley", "ink", 512, 512),
    ("a cat in a garden of sunflowers", "papercut", 512, 512),
    ("lighthouse under the stars", "stainedglass", 512, 512),
    ("castle on a hill in the rain", "pixel", 768, 512),
]


def log(message: str, t0: float) -> None:
    print(f"[{time.time() - t0:7.1f}s] {message}", flush=True)


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    cum, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank ** exponent
        cum.append(total)
    return cum


def make_tags(rng: random.Random, count: int) -> list[str]:
    base = ["sunset", "landscape", "neon", "cat", "watercolour", "pixelart", "lowpoly", "ocean",
            "mountains", "night", "city", "forest", "dragon", "temple", "cosy", "sky", "flowers",
            "winter", "spring", "remix", "papercut", "ink", "stainedglass", "dreamy", "easel"]
    tags = list(base)
    while len(tags) < count:
        tags.append(f"{rng.choice(base)}{len(tags)}")
    return tags


def store_pictures(media_dir: str) -> list[dict]:
    from imagegen.base import GenerationRequest
    from imagegen.builtin import BuiltinBackend
    from imagegen.media import store_image

    backend = BuiltinBackend()
    pictures = []
    for i, (prompt, style, width, height) in enumerate(IMAGE_SPECS):
        result = backend.generate(GenerationRequest(prompt, "", 1000 + i, width, height, style), lambda _f: None)
        stored = store_image(result.images[0], media_dir)
        stored.update(prompt=prompt, style=style, version=result.version,
                      info=json.dumps(result.info, separators=(",", ":")))
        pictures.append(stored)
    return pictures


def open_for_seeding(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-2000000")  # 2 GB, seeding only
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    return conn


def bulk(conn: sqlite3.Connection, sql: str, rows, label: str, t0: float, total: int | None = None) -> int:
    """executemany in chunks inside one transaction, with progress."""
    done = 0
    conn.execute("BEGIN")
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            conn.executemany(sql, chunk)
            done += len(chunk)
            chunk = []
            if total and done % (CHUNK * 5) == 0:
                log(f"  {label}: {done:,}/{total:,}", t0)
    if chunk:
        conn.executemany(sql, chunk)
        done += len(chunk)
    conn.execute("COMMIT")
    log(f"{label}: {done:,} rows", t0)
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--follows", type=float, default=50, help="mean follows per member (default 50)")
    parser.add_argument("--likes", type=float, default=4, help="mean likes per picture post (default ~4)")
    parser.add_argument("--force", action="store_true", help="delete an existing easel.db in the data dir first")
    parser.add_argument("--check", action="store_true", help="also run PRAGMA foreign_key_check at the end")
    args = parser.parse_args(argv)
    t0 = time.time()
    rng = random.Random(args.seed)
    M, N = args.members, args.posts
    if M < 2 or N < 1:
        parser.error("need at least 2 members and 1 post")

    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "easel.db"
    if db_path.exists():
        if not args.force:
            sys.exit(f"{db_path} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)

    # 1. The app's own migrations (and media folder, secret key).
    from app import create_app
    from models.db import close_thread_connections

    create_app({"DATA_DIR": str(data_dir)})
    close_thread_connections()  # the app keeps this thread's connection open; seeding needs the file alone
    log(f"migrated {db_path}", t0)

    from werkzeug.security import generate_password_hash

    from models.text import hashtags as extract_tags

    password_hash = generate_password_hash(PASSWORD)
    pictures = store_pictures(str(data_dir / "media"))
    log(f"{len(pictures)} pictures drawn and stored in {data_dir / 'media'}", t0)

    now = time.time()
    start = now - WINDOW_DAYS * DAY
    conn = open_for_seeding(str(db_path))

    # 2. Members.
    user_created = sorted(rng.uniform(start - 120 * DAY, start - DAY) for _ in range(M))
    activity = [rng.lognormvariate(0, 1.0) for _ in range(M)]
    activity_cum, acc = [], 0.0
    for a in activity:
        acc += a
        activity_cum.append(acc)
    popularity_order = list(range(1, M + 1))
    rng.shuffle(popularity_order)  # popularity_order[rank] = user id
    popularity_cum = zipf_cum_weights(M, 0.9)
    avatar_users = [uid for uid in range(1, M + 1) if rng.random() < 0.33]

    def user_rows():
        for uid in range(1, M + 1):
            first = FIRST[uid % len(FIRST)]
            yield (uid, f"m{uid}", f"{first.title()} {uid}", f"Member {uid}. Likes {rng.choice(SUBJECTS)}.",
                   password_hash, "admin" if uid == 1 else "member", user_created[uid - 1])

    bulk(conn, "INSERT INTO users (id, username, display_name, bio, password_hash, role, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)", user_rows(), "users", t0, M)

    # 3. Plan the posts (kinds, authors, targets, times) before writing anything.
    times = sorted(rng.uniform(start, now - 60) for _ in range(N))
    authors = rng.choices(range(1, M + 1), cum_weights=activity_cum, k=N)
    kind = bytearray(N)  # 0 picture, 1 reply, 2 repost
    target = [0] * N  # post id (1-based) replied to / reposted
    picture_ids: list[int] = []
    reposted: set[tuple[int, int]] = set()
    reply_count: dict[int, int] = {}
    repost_count: dict[int, int] = {}
    for i in range(N):
        pid = i + 1
        r = rng.random()
        if picture_ids and r >= 0.85:
            back = min(len(picture_ids) - 1, int(rng.expovariate(1 / 3000)))
            tid = picture_ids[-1 - back]
            if authors[tid - 1] == authors[i]:
                tid = picture_ids[rng.randrange(len(picture_ids))]
            if r < 0.95:
                kind[i], target[i] = 1, tid
                reply_count[tid] = reply_count.get(tid, 0) + 1
                continue
            if authors[tid - 1] != authors[i] and (authors[i], tid) not in reposted:
                reposted.add((authors[i], tid))
                kind[i], target[i] = 2, tid
                repost_count[tid] = repost_count.get(tid, 0) + 1
                continue
        picture_ids.append(pid)
    del reposted
    log(f"planned {N:,} posts: {len(picture_ids):,} pictures, {sum(1 for k in kind if k == 1):,} replies, "
        f"{sum(1 for k in kind if k == 2):,} reposts", t0)

    # Likes (on picture posts), sorted by time so like ids increase with time.
    likes: list[tuple[float, int, int]] = []
    like_count: dict[int, int] = {}
    mu = math.log(max(args.likes, 0.5)) - 0.6  # lognormal(mu, 1.1) has mean ~ args.likes
    for pid in picture_ids:
        k = min(M - 1, int(rng.lognormvariate(mu, 1.1)))
        if not k:
            continue
        posted = times[pid - 1]
        author = authors[pid - 1]
        likers = {rng.randint(1, M) for _ in range(k)}
        likers.discard(author)
        room = now - posted
        for liker in likers:
            delay = rng.expovariate(1 / (6 * 3600))
            if delay >= room:
                delay = rng.random() * room
            likes.append((posted + delay, liker, pid))
        like_count[pid] = len(likers)
    likes.sort()
    log(f"planned {len(likes):,} likes", t0)

    # 4. Generations, media (each reuses one of the stored pictures), posts, post_media, tags.
    n_pictures = len(IMAGE_SPECS)
    picture_of = {pid: rng.randrange(n_pictures) for pid in picture_ids}
    tag_names = make_tags(rng, 400)
    tag_cum = zipf_cum_weights(len(tag_names), 1.0)
    tag_id = {name: i + 1 for i, name in enumerate(tag_names)}
    bulk(conn, "INSERT INTO hashtags (id, name) VALUES (?, ?)", ((i, n) for n, i in tag_id.items()), "hashtags", t0)

    def prompt_text() -> str:
        mood = rng.choice(MOODS)
        words = [w for w in (mood, rng.choice(SUBJECTS), rng.choice(PLACES), rng.choice(TIMES)) if w]
        return " ".join(words)

    def generation_rows():
        for gid, pid in enumerate(picture_ids, start=1):
            pic = pictures[picture_of[pid]]
            t = times[pid - 1]
            yield (gid, authors[pid - 1], prompt_text(), rng.randrange(2**31), pic["width"], pic["height"],
                   pic["style"], "builtin", pic["version"], pic["info"], "done", 1.0, 1,
                   t - 20, t - 19, t - 15, t - 15)

    bulk(conn, """INSERT INTO generations (id, user_id, prompt, seed, width, height, style, backend,
                  generator_version, info, status, progress, attempts, created_at, started_at, finished_at,
                  heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
         generation_rows(), "generations", t0, len(picture_ids))

    def media_rows():
        for gid, pid in enumerate(picture_ids, start=1):
            pic = pictures[picture_of[pid]]
            yield (gid, authors[pid - 1], gid, 0, None, pic["name"], pic["thumb_name"], pic["width"], pic["height"],
                   pic["thumb_width"], pic["thumb_height"], times[pid - 1] - 15)
        for j, uid in enumerate(avatar_users):  # avatars: media rows without a generation
            pic = pictures[uid % n_pictures]
            yield (len(picture_ids) + j + 1, uid, None, 0, None, pic["name"], pic["thumb_name"], pic["width"],
                   pic["height"], pic["thumb_width"], pic["thumb_height"], user_created[uid - 1] + 3600)

    bulk(conn, """INSERT INTO media (id, user_id, generation_id, position, seed, name, thumb_name, width, height,
                  thumb_width, thumb_height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
         media_rows(), "media", t0, len(picture_ids) + len(avatar_users))
    conn.execute("BEGIN")
    conn.executemany("UPDATE users SET avatar_media_id = ? WHERE id = ?",
                     [(len(picture_ids) + j + 1, uid) for j, uid in enumerate(avatar_users)])
    conn.execute("COMMIT")

    post_tags: list[tuple[int, int, float]] = []
    gen_of = {pid: gid for gid, pid in enumerate(picture_ids, start=1)}

    def caption_for(pid: int, base: str) -> str:
        if rng.random() < 0.20:
            n_tags = 1 + int(rng.random() < 0.35) + int(rng.random() < 0.1)
            tags = rng.choices(tag_names, cum_weights=tag_cum, k=n_tags)
            base = (base + " " + " ".join("#" + t for t in tags)).strip()
            for name in extract_tags(base):
                post_tags.append((tag_id[name], pid, times[pid - 1]))
        return base

    def post_rows():
        for i in range(N):
            pid, t, uid = i + 1, times[i], authors[i]
            k = kind[i]
            if k == 0:
                base = " ".join(rng.choices(CAPTION_WORDS, k=rng.randint(2, 9))).capitalize() \
                    if rng.random() < 0.7 else ""
                yield (pid, uid, gen_of[pid], caption_for(pid, base), None, None, 0 if rng.random() < 0.05 else 1,
                       like_count.get(pid, 0), reply_count.get(pid, 0), repost_count.get(pid, 0), t)
            elif k == 1:
                yield (pid, uid, None, caption_for(pid, rng.choice(REPLY_TEXTS)), target[i], None, 1, 0, 0, 0, t)
            else:
                yield (pid, uid, None, "", None, target[i], 1, 0, 0, 0, t)

    # The FTS insert trigger is dropped while posts go in and recreated verbatim afterwards.
    trigger_sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'posts_fts_insert'").fetchone()[0]
    conn.execute("DROP TRIGGER posts_fts_insert")
    bulk(conn, """INSERT INTO posts (id, user_id, generation_id, caption, reply_to, repost_of, show_prompt,
                  like_count, reply_count, repost_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
         post_rows(), "posts", t0, N)
    bulk(conn, "INSERT INTO post_media (post_id, media_id, position, alt) VALUES (?, ?, 0, '')",
         ((pid, gid) for gid, pid in enumerate(picture_ids, start=1)), "post_media", t0, len(picture_ids))
    bulk(conn, "INSERT INTO post_tags (tag_id, post_id, created_at) VALUES (?, ?, ?)", post_tags, "post_tags", t0)

    conn.execute("BEGIN")
    conn.execute("""INSERT INTO posts_fts (rowid, caption, prompt)
        SELECT p.id, p.caption, CASE WHEN p.show_prompt THEN coalesce(g.prompt, '') ELSE '' END
        FROM posts p LEFT JOIN generations g ON g.id = p.generation_id
        WHERE p.deleted_at IS NULL AND p.repost_of IS NULL""")
    conn.execute(trigger_sql)
    conn.execute("COMMIT")
    log("posts_fts rebuilt in one statement; posts_fts_insert trigger recreated", t0)

    bulk(conn, "INSERT INTO likes (user_id, post_id, created_at) VALUES (?, ?, ?)",
         ((uid, pid, t) for t, uid, pid in likes), "likes", t0, len(likes))

    # 5. Follows: ~args.follows per member towards Zipf-like popularity.
    follows: list[tuple[int, int, float]] = []
    for uid in range(1, M + 1):
        want = max(3, min(M - 1, int(rng.gauss(args.follows, args.follows * 0.4))))
        chosen: set[int] = set()
        tries = 0
        while len(chosen) < want and tries < want * 4:
            picks = rng.choices(popularity_order, cum_weights=popularity_cum, k=want - len(chosen))
            chosen.update(p for p in picks if p != uid)
            tries += len(picks)
        for other in chosen:
            lo = max(user_created[uid - 1], user_created[other - 1])
            when = rng.uniform(lo, start) if rng.random() < 0.7 else rng.uniform(start, now - 60)
            follows.append((uid, other, when))
    follows.sort()
    bulk(conn, "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
         follows, "follows", t0, len(follows))

    # 6. Notifications, ids increasing with time; older than 3 days already read.
    notes: list[tuple[float, int, int, str, int | None]] = []
    for t, follower, followee in ((f[2], f[0], f[1]) for f in follows):
        if t >= start:
            notes.append((t, followee, follower, "follow", None))
    del follows
    for i in range(N):
        if kind[i] == 1:
            notes.append((times[i], authors[target[i] - 1], authors[i], "reply", i + 1))
        elif kind[i] == 2:
            notes.append((times[i], authors[target[i] - 1], authors[i], "repost", target[i]))
    recent = now - 14 * DAY
    for t, uid, pid in likes:
        if t >= recent:
            notes.append((t, authors[pid - 1], uid, "like", pid))
    del likes
    notes.sort(key=lambda n: n[0])
    read_before = now - 3 * DAY
    bulk(conn, "INSERT OR IGNORE INTO notifications (user_id, actor_id, kind, post_id, created_at, read_at) "
               "VALUES (?, ?, ?, ?, ?, ?)",
         ((u, a, k, p, t, t + 3600 if t < read_before else None) for t, u, a, k, p in notes if u != a),
         "notifications", t0, len(notes))
    del notes

    # 7. Checks: counters exact, FTS exactly what the triggers would hold, then WAL mode.
    bad = conn.execute("""SELECT count(*) FROM posts p
        LEFT JOIN (SELECT post_id, count(*) AS n FROM likes GROUP BY post_id) l ON l.post_id = p.id
        LEFT JOIN (SELECT reply_to, count(*) AS n FROM posts WHERE reply_to IS NOT NULL GROUP BY reply_to) r
               ON r.reply_to = p.id
        LEFT JOIN (SELECT repost_of, count(*) AS n FROM posts WHERE repost_of IS NOT NULL GROUP BY repost_of) s
               ON s.repost_of = p.id
        WHERE p.like_count != coalesce(l.n, 0) OR p.reply_count != coalesce(r.n, 0)
           OR p.repost_count != coalesce(s.n, 0)""").fetchone()[0]
    fts_rows = conn.execute("SELECT count(*) FROM posts_fts").fetchone()[0]
    indexable = conn.execute("SELECT count(*) FROM posts WHERE repost_of IS NULL AND deleted_at IS NULL").fetchone()[0]
    sample = conn.execute("""SELECT count(*) FROM (SELECT id FROM posts ORDER BY random() LIMIT 2000) s
        JOIN posts p ON p.id = s.id LEFT JOIN generations g ON g.id = p.generation_id
        LEFT JOIN posts_fts f ON f.rowid = p.id
        WHERE (p.repost_of IS NULL AND (f.caption IS NOT p.caption
               OR f.prompt IS NOT (CASE WHEN p.show_prompt THEN coalesce(g.prompt, '') ELSE '' END)))
           OR (p.repost_of IS NOT NULL AND f.rowid IS NOT NULL)""").fetchone()[0]
    log(f"checks: posts with wrong counters {bad}; posts_fts rows {fts_rows:,} = indexable posts {indexable:,}: "
        f"{fts_rows == indexable}; FTS sample mismatches {sample}", t0)
    if bad or sample or fts_rows != indexable:
        sys.exit("seed check failed")
    if args.check:
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        log(f"foreign_key_check: {len(problems)} problems", t0)
    conn.execute("PRAGMA locking_mode=NORMAL")
    conn.execute("SELECT 1").fetchone()
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()

    counts = {}
    check = sqlite3.connect(str(db_path))
    for table in ("users", "posts", "generations", "media", "likes", "follows", "post_tags", "notifications"):
        counts[table] = check.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    check.close()
    size = sum(os.path.getsize(str(db_path) + s) for s in ("", "-wal") if os.path.exists(str(db_path) + s))
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"seeded {db_path} in {time.time() - t0:.1f} s; database size {size / 1e6:.0f} MB "
          f"(password for every member: {PASSWORD!r}, usernames m1..m{M})")


if __name__ == "__main__":
    main()
