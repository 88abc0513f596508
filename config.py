"""Configuration, read from the environment.

Config is the embedded default (SQLite under instance/, memory rate limits,
mail written to the log). ProductionConfig refuses to start without a
SECRET_KEY or a PUBLIC_BASE_URL. TestConfig is used by the test suite.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    """A comma-separated list from the environment ('' or unset: empty)."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# Placeholders for the contacts the public-service pages show, until the
# operator sets them in the environment; the pages say so while they are used.
EXAMPLE_CONTACTS = {
    "PRIVACY_CONTROLLER": "Région de Bruxelles-Capitale / Brussels Hoofdstedelijk Gewest",
    "PRIVACY_CONTROLLER_ADDRESS": (
        "Place Saint-Lazare 2 / Sint-Lazarusplein 2, 1035 Bruxelles / Brussel"
    ),
    "PRIVACY_DPO_EMAIL": "dpo@participation.brussels",
    "MODERATION_CONTACT_EMAIL": "moderation@participation.brussels",
    "ACCESSIBILITY_CONTACT_EMAIL": "accessibility@participation.brussels",
}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'participation.sqlite3'}"
    )
    # No pool_pre_ping (a round trip per request on PostgreSQL): a connection
    # the server closed is replaced at checkout by participation's
    # _replace_closed_connection, which looks at its socket instead.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "participation"

    # Number of reverse proxies in front of the app (load balancer): 0 = none.
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    LANGUAGES = ("fr", "nl", "en")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "participation" / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    WTF_CSRF_TIME_LIMIT = None  # tied to the session, not to a clock
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024

    # Token lifetimes, in seconds.
    CONFIRM_TOKEN_MAX_AGE = 48 * 3600
    RESET_TOKEN_MAX_AGE = 3600

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    # The sender's address, with the bilingual name English mail goes out under;
    # French and Dutch mail carries the name of MAIL_SENDER_NAMES instead.
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER",
        "Participation Bruxelles / Participatie Brussel <no-reply@participation.brussels>",
    )
    MAIL_SENDER_NAMES = {"fr": "Participation Bruxelles", "nl": "Participatie Brussel"}
    # Absolute base of every absolute link (emails, feeds, CSV), e.g.
    # https://participation.brussels. Links never follow the Host a request claims.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    # Host names this site answers to; any other Host header gets a 400.
    # Production: TRUSTED_HOSTS from the environment, else PUBLIC_BASE_URL's host.
    TRUSTED_HOSTS: list[str] | None = _list("TRUSTED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]

    # Outgoing mail (participation/jobs.py). With REDIS_URL, `flask jobs worker`
    # sends it; without, the app sends it itself after each response.
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "participation")
    OUTBOX_SEND_IN_APP = True  # without REDIS_URL only
    OUTBOX_BATCH_SIZE = 50
    OUTBOX_JOB_SECONDS = 60  # one job sends for at most this long, then queues a follow-up
    OUTBOX_POLL_SECONDS = _int("OUTBOX_POLL_SECONDS", 30)
    OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 600)  # a dead worker's claims expire
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_RETRY_SECONDS = 60  # then 2, 4, 8... minutes
    OUTBOX_RETRY_MAX = 3600
    OUTBOX_KEEP_SENT_DAYS = 30

    # Ideas: pre-moderation is on unless switched off.
    IDEAS_PREMODERATION = _bool("IDEAS_PREMODERATION", True)
    IDEAS_PER_PAGE = 20
    # Public reading pages kept per content version (participation/pagecache.py):
    # whole pages for anonymous visitors, the shared blocks of the list pages
    # for everyone. Entries per process, and the longest an entry is kept.
    PAGE_CACHE_ENABLED = _bool("PAGE_CACHE_ENABLED", True)
    PAGE_CACHE_ENTRIES = _int("PAGE_CACHE_ENTRIES", 500)
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 60)
    # Statistics: the job worker counts them again once they are this old (at
    # Region scale a count takes seconds: services/statistics.py); their pages
    # are kept this long whatever is written. 0: counted on every request.
    STATS_CACHE_SECONDS = _int("STATS_CACHE_SECONDS", 300)
    # The longest a count may take before another process may claim it again.
    STATISTICS_JOB_SECONDS = _int("STATISTICS_JOB_SECONDS", 600)
    # Page numbers offered in lists (deeper pages would cost more): filters,
    # search and the other orders reach the rest.
    IDEAS_MAX_PAGES = 50
    REPORTS_HIDE_THRESHOLD = _int("REPORTS_HIDE_THRESHOLD", 3)

    # Rate limits (Flask-Limiter syntax).
    # Per address and account: the 6th attempt on one account in a minute is
    # refused. Per address alone, a higher cap, so that many residents behind
    # one public network (a library, a school) can still sign in.
    RATE_LIMIT_LOGIN = "5 per minute"
    RATE_LIMIT_LOGIN_PER_ADDRESS = "30 per minute"
    RATE_LIMIT_REGISTER = "10 per hour"
    RATE_LIMIT_RESEND = "5 per hour"
    RATE_LIMIT_RESET = "5 per hour"
    RATE_LIMIT_WRITE = "30 per minute"
    # The public API, per address: generous for a harvester, a stop for a flood.
    RATE_LIMIT_API = os.environ.get("RATE_LIMIT_API") or "300 per minute"

    # Where `flask opendata export` writes the bulk datasets served under /data/.
    OPENDATA_DIR = os.environ.get("OPENDATA_DIR") or str(INSTANCE_DIR / "opendata")
    # The job worker exports the datasets when they are older than this (0: never).
    OPENDATA_EXPORT_HOURS = _int("OPENDATA_EXPORT_HOURS", 24)

    # The privacy notice and the accessibility statement (/privacy, /accessibility).
    # The defaults are placeholders, shown with a note saying so: the operator
    # sets the real controller, address and contacts in the environment.
    PRIVACY_CONTROLLER = (
        os.environ.get("PRIVACY_CONTROLLER") or EXAMPLE_CONTACTS["PRIVACY_CONTROLLER"]
    )
    PRIVACY_CONTROLLER_ADDRESS = (
        os.environ.get("PRIVACY_CONTROLLER_ADDRESS")
        or EXAMPLE_CONTACTS["PRIVACY_CONTROLLER_ADDRESS"]
    )
    PRIVACY_DPO_EMAIL = os.environ.get("PRIVACY_DPO_EMAIL") or EXAMPLE_CONTACTS["PRIVACY_DPO_EMAIL"]
    MODERATION_CONTACT_EMAIL = (
        os.environ.get("MODERATION_CONTACT_EMAIL") or EXAMPLE_CONTACTS["MODERATION_CONTACT_EMAIL"]
    )
    ACCESSIBILITY_CONTACT_EMAIL = (
        os.environ.get("ACCESSIBILITY_CONTACT_EMAIL")
        or EXAMPLE_CONTACTS["ACCESSIBILITY_CONTACT_EMAIL"]
    )
    ACCESSIBILITY_AUDIT_DATE = os.environ.get("ACCESSIBILITY_AUDIT_DATE") or "2026-11-22"

    # Retention, in days, enforced by `flask privacy purge` (run it daily) and
    # shown on the privacy notice. Sent emails: OUTBOX_KEEP_SENT_DAYS above.
    RETENTION_UNCONFIRMED_ACCOUNT_DAYS = _int("RETENTION_UNCONFIRMED_ACCOUNT_DAYS", 30)
    RETENTION_FAILED_EMAIL_DAYS = _int("RETENTION_FAILED_EMAIL_DAYS", 90)
    RETENTION_MODERATION_LOG_DAYS = _int("RETENTION_MODERATION_LOG_DAYS", 730)
    RETENTION_READ_NOTIFICATION_DAYS = _int("RETENTION_READ_NOTIFICATION_DAYS", 365)
    # Rate-limit counters (keyed by IP address) expire with their window (at
    # most an hour); the purge deletes any counter older than this.
    RETENTION_RATE_LIMIT_HOURS = _int("RETENTION_RATE_LIMIT_HOURS", 24)

    # Werkzeug's full-cost scrypt (n=2**15, r=8, p=1). Not read from the
    # environment: only TestConfig lowers it.
    PASSWORD_HASH_METHOD = "scrypt"

    PRODUCTION = False


class ProductionConfig(Config):
    PRODUCTION = True
    SECRET_KEY = os.environ.get("SECRET_KEY")  # no default: must be set
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")  # no default: must be set
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or None  # None: PUBLIC_BASE_URL's host


class TestConfig(Config):
    # Off, so that query counts and plans measure the real work; on in
    # tests/test_pagecache.py (and with PAGE_CACHE_ENABLED=1 for the whole suite).
    PAGE_CACHE_ENABLED = _bool("PAGE_CACHE_ENABLED", False)
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None  # tests that need Redis set it themselves
    MAIL_SERVER = None
    PUBLIC_BASE_URL = "http://localhost"
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    SERVER_NAME = None
    # A cheap scrypt (the same algorithm with 256 times less work; OpenSSL
    # refuses a smaller n within Werkzeug's memory limit). Hashes still read
    # "scrypt:..." but cost a fraction of a millisecond, which cuts the suite's time.
    PASSWORD_HASH_METHOD = "scrypt:128:8:1"
    # Never the instance folder's datasets: tests that export choose their own folder.
    OPENDATA_DIR = os.path.join(tempfile.gettempdir(), f"participation-opendata-{os.getpid()}")
    OPENDATA_EXPORT_HOURS = 0  # tests/test_opendata_jobs.py turns it on


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}
