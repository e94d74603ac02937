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

# 2: the social layer. A repost is a post row with repost_of set (Mastodon's "boost"), so every
# timeline is a single keyset query over posts. Search is FTS5 kept in sync by triggers; a hidden
# prompt is never indexed.
MIGRATIONS.append(
    """
    ALTER TABLE posts ADD COLUMN repost_of INTEGER REFERENCES posts (id) ON DELETE CASCADE;
    CREATE UNIQUE INDEX posts_one_repost ON posts (user_id, repost_of) WHERE repost_of IS NOT NULL;
    CREATE INDEX posts_quote_of ON posts (quote_of) WHERE quote_of IS NOT NULL;
    CREATE INDEX posts_remix_of ON posts (remix_of) WHERE remix_of IS NOT NULL;
    ALTER TABLE users ADD COLUMN avatar_media_id INTEGER REFERENCES media (id) ON DELETE SET NULL;

    CREATE TABLE follows (
        follower_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        followee_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        PRIMARY KEY (follower_id, followee_id)
    ) WITHOUT ROWID;
    CREATE INDEX follows_followee ON follows (followee_id, follower_id);

    CREATE TABLE likes (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX likes_user_post ON likes (user_id, post_id);
    CREATE INDEX likes_post ON likes (post_id);
    CREATE INDEX likes_user_recent ON likes (user_id, id);

    CREATE TABLE bookmarks (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX bookmarks_user_post ON bookmarks (user_id, post_id);
    CREATE INDEX bookmarks_user_recent ON bookmarks (user_id, id);

    CREATE TABLE hashtags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE post_tags (
        tag_id INTEGER NOT NULL REFERENCES hashtags (id) ON DELETE CASCADE,
        post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        PRIMARY KEY (tag_id, post_id)
    ) WITHOUT ROWID;
    CREATE INDEX post_tags_recent ON post_tags (created_at, tag_id);
    CREATE INDEX post_tags_post ON post_tags (post_id);

    CREATE TABLE mentions (
        post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (post_id, user_id)
    ) WITHOUT ROWID;

    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        actor_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('follow', 'like', 'repost', 'reply', 'quote', 'mention', 'remix')),
        post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        read_at REAL
    );
    CREATE INDEX notifications_user ON notifications (user_id, id);
    CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
    CREATE UNIQUE INDEX notifications_once ON notifications (user_id, actor_id, kind, coalesce(post_id, 0));

    CREATE TABLE blocks (
        blocker_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        blocked_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
    ) WITHOUT ROWID;
    CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);
    CREATE TABLE mutes (
        muter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        muted_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        PRIMARY KEY (muter_id, muted_id)
    ) WITHOUT ROWID;

    CREATE VIRTUAL TABLE posts_fts USING fts5 (caption, prompt, tokenize = 'unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE users_fts USING fts5 (username, display_name, bio, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts
    WHEN new.repost_of IS NULL AND new.deleted_at IS NULL BEGIN
        INSERT INTO posts_fts (rowid, caption, prompt) VALUES (
            new.id, new.caption,
            CASE WHEN new.show_prompt THEN coalesce((SELECT prompt FROM generations WHERE id = new.generation_id), '')
                 ELSE '' END);
    END;
    CREATE TRIGGER posts_fts_update AFTER UPDATE OF caption, show_prompt, deleted_at ON posts
    WHEN new.repost_of IS NULL BEGIN
        DELETE FROM posts_fts WHERE rowid = old.id;
        INSERT INTO posts_fts (rowid, caption, prompt) SELECT
            new.id, new.caption,
            CASE WHEN new.show_prompt THEN coalesce((SELECT prompt FROM generations WHERE id = new.generation_id), '')
                 ELSE '' END
        WHERE new.deleted_at IS NULL;
    END;
    CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        DELETE FROM posts_fts WHERE rowid = old.id;
    END;
    INSERT INTO posts_fts (rowid, caption, prompt)
        SELECT p.id, p.caption, CASE WHEN p.show_prompt THEN coalesce(g.prompt, '') ELSE '' END
        FROM posts p LEFT JOIN generations g ON g.id = p.generation_id
        WHERE p.deleted_at IS NULL AND p.repost_of IS NULL;

    CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
        INSERT INTO users_fts (rowid, username, display_name, bio) VALUES (new.id, new.username, new.display_name, new.bio);
    END;
    CREATE TRIGGER users_fts_update AFTER UPDATE OF username, display_name, bio ON users BEGIN
        DELETE FROM users_fts WHERE rowid = old.id;
        INSERT INTO users_fts (rowid, username, display_name, bio) VALUES (new.id, new.username, new.display_name, new.bio);
    END;
    CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
        DELETE FROM users_fts WHERE rowid = old.id;
    END;
    INSERT INTO users_fts (rowid, username, display_name, bio) SELECT id, username, display_name, bio FROM users;
    """
)

# 3: explore ranks the last 7 days of top-level posts; this partial index finds them by time
# without reading replies, reposts or deleted posts.
MIGRATIONS.append(
    """
    CREATE INDEX posts_explore ON posts (created_at)
        WHERE reply_to IS NULL AND repost_of IS NULL AND deleted_at IS NULL;
    """
)

# 4: reproduce: a generation may re-run a post's parameters to check it comes out the same.
MIGRATIONS.append(
    """
    ALTER TABLE generations ADD COLUMN reproduce_of INTEGER REFERENCES posts (id) ON DELETE SET NULL;
    ALTER TABLE generations ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX generations_user_status ON generations (user_id, status, id);
    """
)

# 5: home timelines: each followed member's own top-level posts, newest first, straight from an index
# (walking all posts by id and filtering by author scanned deep for members who follow quiet people).
MIGRATIONS.append(
    """
    CREATE INDEX posts_timeline ON posts (user_id, id) WHERE reply_to IS NULL AND deleted_at IS NULL;
    """
)

# 6: remote generation servers an admin enabled (one row per kind), their last health check,
# and the technical detail of a failed job (for admins; members read `error`).
MIGRATIONS.append(
    """
    CREATE TABLE backend_settings (
        kind TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL DEFAULT 0,
        is_default INTEGER NOT NULL DEFAULT 0,
        url TEXT NOT NULL DEFAULT '',
        secret TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        timeout INTEGER NOT NULL DEFAULT 300,
        steps INTEGER NOT NULL DEFAULT 20,
        sizes TEXT NOT NULL DEFAULT '512x512,768x512,512x768',
        workflow TEXT NOT NULL DEFAULT '',
        health TEXT NOT NULL DEFAULT '' CHECK (health IN ('', 'up', 'down')),
        health_detail TEXT NOT NULL DEFAULT '',
        checked_at REAL,
        updated_at REAL NOT NULL
    );
    ALTER TABLE generations ADD COLUMN error_detail TEXT NOT NULL DEFAULT '';
    """
)

# 7: an admin may let a server that is down hand its jobs to the builtin (issue 6, optional fallback).
MIGRATIONS.append(
    """
    ALTER TABLE backend_settings ADD COLUMN fallback INTEGER NOT NULL DEFAULT 0;
    """
)

# 8: what a remote server says about a running job ("number 3 in the AI Horde queue"), for its card.
MIGRATIONS.append(
    """
    ALTER TABLE generations ADD COLUMN progress_note TEXT NOT NULL DEFAULT '';
    """
)

# 9: running a community (issue 7). Member status and role changes, sessions that can be revoked,
# two-factor secrets; invites; reports; an audit log of moderator actions; instance settings as
# key/value rows; prompt rules (refuse or hold for review); posts hidden by moderators or held for
# review (`moderation`: NULL = visible). Notifications gain the kinds moderation needs (SQLite
# cannot change a CHECK, so the table is rebuilt) and a free `detail` text.
MIGRATIONS.append(
    """
    ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'pending', 'rejected', 'suspended', 'deleted'));
    ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE users ADD COLUMN signup_note TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN invite_id INTEGER REFERENCES invites (id) ON DELETE SET NULL;
    ALTER TABLE users ADD COLUMN totp_secret TEXT;
    ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN suspended_at REAL;
    CREATE INDEX users_status ON users (status) WHERE status != 'active';

    CREATE TABLE recovery_codes (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        used_at REAL,
        PRIMARY KEY (user_id, code_hash)
    ) WITHOUT ROWID;

    CREATE TABLE invites (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        created_by INTEGER REFERENCES users (id) ON DELETE CASCADE,
        max_uses INTEGER,
        uses INTEGER NOT NULL DEFAULT 0,
        expires_at REAL,
        revoked_at REAL,
        created_at REAL NOT NULL
    );
    CREATE INDEX invites_creator ON invites (created_by, id);

    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        reporter_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
        target_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
        post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
        outcome TEXT NOT NULL DEFAULT '',
        resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        resolved_at REAL,
        created_at REAL NOT NULL
    );
    CREATE INDEX reports_status ON reports (status, id);
    CREATE INDEX reports_reporter ON reports (reporter_id, id);

    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        target_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
        target_name TEXT NOT NULL DEFAULT '',
        post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,
        report_id INTEGER REFERENCES reports (id) ON DELETE SET NULL,
        reason TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL
    );

    CREATE TABLE instance_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at REAL NOT NULL
    );

    CREATE TABLE prompt_rules (
        id INTEGER PRIMARY KEY,
        pattern TEXT NOT NULL,
        is_regex INTEGER NOT NULL DEFAULT 0,
        action TEXT NOT NULL CHECK (action IN ('refuse', 'hold')),
        created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        created_at REAL NOT NULL,
        UNIQUE (pattern, is_regex, action)
    );

    ALTER TABLE posts ADD COLUMN moderation TEXT CHECK (moderation IN ('held', 'hidden'));
    ALTER TABLE posts ADD COLUMN moderated_at REAL;
    CREATE INDEX posts_moderation ON posts (moderation, id) WHERE moderation IS NOT NULL;

    CREATE TABLE notifications_new (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        actor_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('follow', 'like', 'repost', 'reply', 'quote', 'mention', 'remix',
            'report_resolved', 'post_approved', 'post_rejected', 'post_hidden', 'follow_request')),
        post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
        detail TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        read_at REAL
    );
    INSERT INTO notifications_new (id, user_id, actor_id, kind, post_id, created_at, read_at)
        SELECT id, user_id, actor_id, kind, post_id, created_at, read_at FROM notifications;
    DROP TABLE notifications;
    ALTER TABLE notifications_new RENAME TO notifications;
    CREATE INDEX notifications_user ON notifications (user_id, id);
    -- The header's unread badge counts from this index alone (it filters muted and blocked actors).
    CREATE INDEX notifications_unread ON notifications (user_id, actor_id, kind) WHERE read_at IS NULL;
    CREATE UNIQUE INDEX notifications_once ON notifications (user_id, actor_id, kind, coalesce(post_id, 0));
    """
)

# 10: the community owns its data (issue 8). Training-data consent is opt-in: a member's setting
# covers all their posts unless a post overrides it (NULL = follow the member). Account exports are
# jobs the worker runs (a zip in the data folder, downloadable for 7 days). Dataset exports made by
# the operator are recorded with their consent snapshot time.
MIGRATIONS.append(
    """
    ALTER TABLE users ADD COLUMN training_consent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN training_attribution INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN consent_changed_at REAL;
    ALTER TABLE posts ADD COLUMN training_consent INTEGER CHECK (training_consent IN (0, 1));

    CREATE TABLE account_exports (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'expired')),
        progress REAL NOT NULL DEFAULT 0,
        file_name TEXT,
        size_bytes INTEGER,
        error TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        started_at REAL,
        finished_at REAL,
        expires_at REAL
    );
    CREATE INDEX account_exports_user ON account_exports (user_id, id);
    CREATE INDEX account_exports_status ON account_exports (status, id);
    -- (issue 7) a member's page and the member list count the reports about each member
    CREATE INDEX reports_target ON reports (target_user_id, id);

    CREATE TABLE dataset_exports (
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        consent_snapshot_at REAL NOT NULL,
        out_path TEXT NOT NULL,
        items INTEGER NOT NULL,
        members INTEGER NOT NULL,
        manifest_sha256 TEXT NOT NULL DEFAULT '',
        requested_by TEXT NOT NULL DEFAULT ''
    );
    """
)

# 11: an account export is made by the worker, which has no request: it keeps the address the member
# used (PUBLIC_URL, or the request's host) to write post links and `name@host` handles in the zip.
MIGRATIONS.append(
    """
    ALTER TABLE account_exports ADD COLUMN base_url TEXT NOT NULL DEFAULT '';
    """
)

# 12: languages (issue 9). A member's own choice of interface language (NULL: follow the browser,
# then the instance default).
MIGRATIONS.append(
    """
    ALTER TABLE users ADD COLUMN locale TEXT;
    """
)

# 13: dark mode (issue 9). A member's colour theme: 'light' or 'dark', NULL = follow the system.
MIGRATIONS.append(
    """
    ALTER TABLE users ADD COLUMN theme TEXT CHECK (theme IN ('light', 'dark'));
    """
)

# 14: federation (issue 10). A local member's RSA key pair (made once, on first need; the private
# key never leaves this table). What we know of a remote actor: its inboxes, public key and avatar.
# Outgoing activities wait in `deliveries` (one row per inbox) until delivered or given up; admins'
# domain blocks (suspend / silence) and the limited-federation allow-list live in `domain_rules`.
MIGRATIONS.append(
    """
    CREATE TABLE actor_keys (
        user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        public_pem TEXT NOT NULL,
        private_pem TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    ALTER TABLE users ADD COLUMN inbox_url TEXT;
    ALTER TABLE users ADD COLUMN shared_inbox_url TEXT;
    ALTER TABLE users ADD COLUMN public_key_id TEXT;
    ALTER TABLE users ADD COLUMN public_key_pem TEXT;
    ALTER TABLE users ADD COLUMN profile_url TEXT;
    ALTER TABLE users ADD COLUMN avatar_url TEXT;
    ALTER TABLE users ADD COLUMN fetched_at REAL;
    CREATE INDEX users_key_id ON users (public_key_id) WHERE public_key_id IS NOT NULL;

    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        activity TEXT NOT NULL,
        inbox_url TEXT NOT NULL,
        actor_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        delivered_at REAL,
        given_up_at REAL
    );
    CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;

    CREATE TABLE domain_rules (
        domain TEXT PRIMARY KEY COLLATE NOCASE,
        action TEXT NOT NULL CHECK (action IN ('suspend', 'silence', 'allow')),
        note TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL
    );
    """
)

# 15: locked accounts (issue 10). A member who approves new followers (`locked`) gets follow requests
# instead of follows; a remote requester's request keeps its Follow activity id, which the Accept or
# Reject must name. Our own follows of remote people wait here too until their server accepts.
# ('follow_request' has been an allowed notification kind since migration 9: no rebuild needed.)
MIGRATIONS.append(
    """
    ALTER TABLE users ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE follow_requests (
        id INTEGER PRIMARY KEY,
        requester_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        target_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        activity_id TEXT,
        created_at REAL NOT NULL,
        UNIQUE (requester_id, target_id)
    );
    -- the review page lists a member's requests newest first; Accept/Reject find ours by activity id
    CREATE INDEX follow_requests_target ON follow_requests (target_id, id);
    CREATE INDEX follow_requests_activity ON follow_requests (activity_id) WHERE activity_id IS NOT NULL;
    """
)

# 16: /about lists the staff and counts the members on every visit; both read every member row
# before (~6-9 ms at 10k members). Staff: the few admins and moderators; the count: an index of
# local members by status that answers count(*) without reading rows.
MIGRATIONS.append(
    """
    CREATE INDEX users_staff ON users (role, id) WHERE role IN ('admin', 'moderator');
    CREATE INDEX users_local_status ON users (status) WHERE domain IS NULL;
    """
)
