"""Numbered migrations: append, never edit one that has shipped. PRAGMA user_version counts them."""

# Times are unix seconds (REAL). A remote (federated) member has a domain and an actor URI;
# local members have domain NULL. A remote post has its own URI; local posts have NULL.
MIGRATIONS = [
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL COLLATE NOCASE,
        domain TEXT COLLATE NOCASE,
        actor_uri TEXT UNIQUE,
        display_name TEXT NOT NULL DEFAULT '',
        bio TEXT NOT NULL DEFAULT '',
        password_hash TEXT,
        role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'moderator', 'member')),
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX users_local_username ON users (username) WHERE domain IS NULL;
    CREATE UNIQUE INDEX users_remote_username ON users (username, domain) WHERE domain IS NOT NULL;

    CREATE TABLE generations (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL DEFAULT '',
        seed INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        style TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 1 CHECK (count BETWEEN 1 AND 4),
        backend TEXT NOT NULL,
        generator_version TEXT NOT NULL DEFAULT '',
        info TEXT NOT NULL DEFAULT '{}',
        remix_of INTEGER REFERENCES posts (id) ON DELETE SET NULL,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        progress REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        run_after REAL NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        started_at REAL,
        finished_at REAL,
        heartbeat_at REAL
    );
    CREATE INDEX generations_queue ON generations (status, id);
    CREATE INDEX generations_user ON generations (user_id, id);

    CREATE TABLE media (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        generation_id INTEGER REFERENCES generations (id) ON DELETE SET NULL,
        position INTEGER NOT NULL DEFAULT 0,
        seed INTEGER,
        name TEXT,
        thumb_name TEXT,
        remote_url TEXT,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        thumb_width INTEGER NOT NULL,
        thumb_height INTEGER NOT NULL,
        created_at REAL NOT NULL
    );
    -- A job can never yield two results: one media row per (generation, image position).
    CREATE UNIQUE INDEX media_generation_position ON media (generation_id, position);

    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        generation_id INTEGER REFERENCES generations (id) ON DELETE SET NULL,
        uri TEXT UNIQUE,
        caption TEXT NOT NULL DEFAULT '',
        reply_to INTEGER REFERENCES posts (id) ON DELETE SET NULL,
        quote_of INTEGER REFERENCES posts (id) ON DELETE SET NULL,
        remix_of INTEGER REFERENCES posts (id) ON DELETE SET NULL,
        remix_policy TEXT NOT NULL DEFAULT 'anyone' CHECK (remix_policy IN ('anyone', 'followers', 'nobody')),
        show_prompt INTEGER NOT NULL DEFAULT 1,
        like_count INTEGER NOT NULL DEFAULT 0,
        reply_count INTEGER NOT NULL DEFAULT 0,
        repost_count INTEGER NOT NULL DEFAULT 0,
        remix_count INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        deleted_at REAL
    );
    -- Sharing is idempotent: one post per generation.
    CREATE UNIQUE INDEX posts_generation ON posts (generation_id);
    CREATE INDEX posts_user ON posts (user_id, id);
    CREATE INDEX posts_reply_to ON posts (reply_to, id);

    CREATE TABLE post_media (
        post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        alt TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (post_id, position)
    ) WITHOUT ROWID;
    """,
]
