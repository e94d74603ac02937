"""Easel: create_app() and the `python app.py` entry point (waitress + worker threads)."""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import secrets
import signal
import sys
from pathlib import Path

from flask import Flask

__version__ = "0.7.0"

log = logging.getLogger("easel")

# Every setting: default here, overridable by EASEL_<NAME> and by create_app(test_config).
DEFAULTS = {
    "DATA_DIR": "instance",
    "HOST": "127.0.0.1",
    "PORT": 5000,
    "PUBLIC_URL": "",
    # The reverse proxy's address (e.g. 127.0.0.1): only its X-Forwarded-For/-Proto/-Host headers are
    # believed (README "Behind Caddy or nginx with HTTPS"). Empty: nobody's are; waitress drops them.
    "TRUSTED_PROXY": "",
    "WORKERS": 1,
    # Requests running Easel's Python at once (gate.py); 0 lets all eight server threads run at once.
    "CONCURRENCY": 1,
    "BACKEND": "builtin",
    "BACKENDS": "",  # JSON: remote generation servers (imagegen/backend_config.py, README "Generation backends")
    "SECURE_COOKIES": False,
    "PROMPT_MAX": 1000,
    "CAPTION_MAX": 500,
    "GENERATIONS_PER_HOUR": 30,
    "QUEUE_CAP": 5,
    "MAX_ATTEMPTS": 3,
    "RETRY_BACKOFF": 2.0,
    "BLOCKED_WORDS": "",
    # The registration mode of a new instance until an admin picks one at /admin/settings.
    "REGISTRATION_MODE": "approval",
    "FEED_PAGE_SIZE": 20,
    "EXPLORE_CACHE_SECONDS": 60,
    "NODEINFO_CACHE_SECONDS": 3600,  # NodeInfo's usage counts: crawlers ask often, counting takes seconds at 1M posts
    # Rate limits (README "Account security and limits"): sign-in per IP and per account name,
    # sign-up per IP, and per member: posts/replies/quotes, generation requests, reports.
    "LOGIN_RATE_LIMIT": "25 per 5 minutes",
    "LOGIN_ACCOUNT_RATE_LIMIT": "10 per 5 minutes",
    "SIGNUP_RATE_LIMIT": "10 per hour",
    "POST_RATE_LIMIT": "60 per hour",
    "GENERATION_RATE_LIMIT": "10 per minute",
    "REPORT_RATE_LIMIT": "20 per hour",
    "RATELIMIT_ENABLED": True,
    "MAX_REQUEST_BYTES": 9 * 1024 * 1024,  # a whole request: an 8 MB upload and its form
    "REMEMBER_DAYS": 30,  # how long "Remember me" keeps a member signed in
    "EXPORTS_PER_DAY": 3,  # account exports a member may ask for in 24 hours (README "Your data")
    # Federation (README "Federation"): on only with a PUBLIC_URL. Private/loopback addresses and plain
    # http are refused when fetching and delivering unless this allows them (tests, a LAN).
    "ALLOW_PRIVATE_FEDERATION": False,
    "INBOX_RATE_LIMIT": "300 per minute",  # per remote server (the host of the signature's keyId)
    "DELIVERY_BACKOFF": 30.0,  # seconds before the first retry of a delivery; doubles each time
    # Remote pictures (README "Federation"): thumbnails cached in media/remote/ by a background thread.
    "REMOTE_MEDIA_MAX_BYTES": 8 * 1024 * 1024,  # largest remote picture downloaded
    "REMOTE_MEDIA_MAX_PIXELS": 40_000_000,  # larger pictures are refused before decoding
    "REMOTE_MEDIA_TIMEOUT": 10.0,  # seconds for one download
    "REMOTE_MEDIA_CACHE_BYTES": 500 * 1024 * 1024,  # the folder's cap: least recently shown evicted
    "REMOTE_MEDIA_MAX_AGE_DAYS": 30.0,  # older thumbnails are deleted (fetched again when next shown)
    "REMOTE_MEDIA_RETRY_SECONDS": 6 * 3600.0,  # a failed picture is not tried again before this
}


def _coerce(value: str, like):
    """Turn an environment string into the type of its default."""
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


def load_settings(test_config: dict | None = None) -> dict:
    """Defaults, then EASEL_* environment variables, then the test dict."""
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        env = os.environ.get(f"EASEL_{name}")
        if env is not None and env != "":
            settings[name] = _coerce(env, default)
    if test_config:
        settings.update(test_config)
    return settings


def _secret_key(data_dir: Path) -> str:
    """Read the instance's secret key, generating it on first run (never hard-coded)."""
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app on a data folder; does not start worker threads."""
    settings = load_settings(test_config)
    app = Flask(__name__, instance_path=str(Path(settings["DATA_DIR"]).resolve()))
    app.config.update(settings)
    data_dir = Path(app.instance_path)
    (data_dir / "media").mkdir(parents=True, exist_ok=True)
    app.config["DATABASE"] = str(data_dir / "easel.db")
    app.config["MEDIA_DIR"] = str(data_dir / "media")
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(data_dir)
    secure = bool(app.config["SECURE_COOKIES"]) or str(app.config["PUBLIC_URL"]).startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=int(app.config["MAX_REQUEST_BYTES"]),
        REMEMBER_COOKIE_DURATION=datetime.timedelta(days=int(app.config["REMEMBER_DAYS"])),
        BABEL_DEFAULT_LOCALE="en",
    )

    from models import db

    db.init_app(app)
    with app.app_context():
        db.migrate(db.get_db())
        if app.config["BACKENDS"]:
            from imagegen.backend_config import apply_environment

            apply_environment(db.get_db(), app.config["BACKENDS"])

    from views import register

    register(app)
    from views import federation as federation_views

    federation_views.init_app(app)  # issue 10: ActivityPub (answers 404 while federation is off)

    import cli

    cli.init_app(app)  # `flask --app app users ...`

    from imagegen.backends import load_backend
    from imagegen.worker import WorkerPool

    app.extensions["easel_backend"] = load_backend(app.config["BACKEND"])

    app.extensions["easel_worker"] = WorkerPool(app)
    from federation.delivery import DeliveryWorker

    app.extensions["easel_delivery"] = DeliveryWorker(app)  # started with the workers, by the serving process
    from federation import media_cache

    media_cache.init_app(app)  # its thread too is started by the serving process
    return app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve Easel with waitress.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 5000)")
    parser.add_argument("--data-dir", help="folder for the database, media and secret key (default ./instance)")
    parser.add_argument("--public-url", help="the URL members use, e.g. https://easel.example")
    parser.add_argument("--trusted-proxy", help="address of a reverse proxy whose X-Forwarded-* headers to trust")
    parser.add_argument("--workers", type=int, help="generation worker threads (default 1)")
    parser.add_argument("--backend", help="generation backend (default builtin)")
    return parser.parse_args(argv)


def proxy_settings(trusted_proxy: str) -> dict:
    """waitress's proxy options: with a trusted proxy, REMOTE_ADDR, wsgi.url_scheme and the host come
    from its X-Forwarded-* headers (so rate limits count visitors, and absolute URLs are right);
    without one those headers are removed before Easel sees them."""
    if not trusted_proxy:
        return {}
    return {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
            "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host"}


def main(argv: list[str] | None = None) -> None:
    """Serve with waitress and run the generation workers until SIGINT/SIGTERM."""
    from waitress import create_server

    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {
        key: value
        for key, value in {
            "HOST": args.host,
            "PORT": args.port,
            "DATA_DIR": args.data_dir,
            "PUBLIC_URL": args.public_url,
            "TRUSTED_PROXY": args.trusted_proxy,
            "WORKERS": args.workers,
            "BACKEND": args.backend,
        }.items()
        if value is not None
    }
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)
    # "Task queue depth is 1": with the gate, a request waiting for its turn is the design, not a fault
    # (at 8 busy connections it was logged for ~3% of requests)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = create_app(overrides)
    from gate import Gate

    concurrency = int(app.config["CONCURRENCY"])
    served = Gate(concurrency).wrap(app) if concurrency > 0 else app  # 0: no gate, every thread at once
    server = create_server(served, host=app.config["HOST"], port=int(app.config["PORT"]), threads=8, ident="easel",
                           clear_untrusted_proxy_headers=True, **proxy_settings(app.config["TRUSTED_PROXY"]))
    workers = app.extensions["easel_worker"]

    def stop(signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    workers.start()
    app.extensions["easel_delivery"].start()
    app.extensions["easel_media_cache"].start()
    url = app.config["PUBLIC_URL"] or f"http://{app.config['HOST']}:{server.effective_port}"
    log.info("Easel is serving %s (data in %s, %d worker(s), backend %s)",
             url, app.instance_path, workers.size, app.config["BACKEND"])
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        log.info("Easel is stopping")
        server.close()
        workers.stop()
        app.extensions["easel_delivery"].stop()
        app.extensions["easel_media_cache"].stop()


if __name__ == "__main__":
    main()
