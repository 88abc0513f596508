"""flask users ..., flask demo load, flask translate ..."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import text

from config import BASE_DIR
from participation.extensions import db
from participation.models.base import utcnow
from participation.services import DomainError
from participation.services import accounts as account_service
from participation.services import moderation as moderation_service
from participation.vocabulary import Language, Role

users = AppGroup("users", help="Manage accounts.")
demo = AppGroup("demo", help="Demonstration data.")
translate = AppGroup("translate", help="Translation catalogs (English is the source).")

TRANSLATIONS = BASE_DIR / "participation" / "translations"
POT = BASE_DIR / "participation" / "translations" / "messages.pot"


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: from email).")
@click.option(
    "--role", type=click.Choice(Role.values()), default=Role.CITIZEN.value, show_default=True
)
@click.option("--language", type=click.Choice(Language.values()), default=Language.FR.value)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Read from the prompt unless given (for scripts).",
)
def create_user(email, display_name, role, language, password):
    """Create a confirmed account with the given role."""
    try:
        # Operators read English on the console, like the rest of this CLI.
        with force_locale("en"):
            result = account_service.register(
                email, display_name or email.split("@")[0], password, language
            )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if result.user is None:
        raise click.ClickException(f"An account with the email {email} already exists.")
    user = result.user
    user.email_confirmed_at = utcnow()
    account_service.set_role(user, role)
    db.session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(Role.values()))
def set_role(email, role):
    """Give the account with EMAIL the ROLE (logged like the admin page's change)."""
    user = account_service.find_by_email(email)
    if user is None or user.is_deleted:
        raise click.ClickException(f"No account with the email {email}.")
    if user.role == role:
        click.echo(f"{user.email} is already {role}.")
        return
    try:
        with force_locale("en"):
            # No actor: the moderation log shows the change as the system's.
            moderation_service.change_role(None, user, role)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


@demo.command("load")
def load_demo():
    """Load demonstration data (safe to run more than once)."""
    from participation.demo import load

    summary = load()
    db.session.commit()
    # Fresh statistics for the query planner (SQLite has none until ANALYZE).
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    click.echo(summary)


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=BASE_DIR
    )


# The one extraction command; tests/test_catalogs.py runs the same. Babel's
# default directory filter skips folders whose name starts with "_" (so
# templates/_macros/ was never read): --ignore-dirs replaces it, skipping only
# dot-folders (.venv, .git) and __pycache__.
EXTRACT_ARGS = [
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "_l",
    "--ignore-dirs",
    ".* __pycache__",
    "--no-location",
    "--sort-output",
]


@translate.command("extract")
def extract():
    """Extract the source strings into messages.pot."""
    _pybabel("-q", *EXTRACT_ARGS, "-o", str(POT), ".")


@translate.command("update")
@click.pass_context
def update(ctx):
    """Extract, then merge new strings into the fr and nl catalogs."""
    ctx.invoke(extract)
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate.command("compile")
def compile_catalogs():
    """Compile the catalogs into .mo files."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


opendata = AppGroup("opendata", help="Open datasets served under /data/.")


@opendata.command("export")
@click.option(
    "--directory",
    default=None,
    help="Where to write the files (default: the OPENDATA_DIR setting, served under /data/).",
)
@click.option(
    "--queue",
    "to_queue",
    is_flag=True,
    help="Have the job worker do it (needs REDIS_URL); the worker also does it daily.",
)
def export_opendata(directory, to_queue):
    """Write every public dataset as CSV and JSON, and their index (schedule it daily,
    or let the job worker do it)."""
    from flask import current_app

    from participation import jobs

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if to_queue:
        if not app.config.get("REDIS_URL"):
            raise click.ClickException("--queue needs REDIS_URL (a job worker on Redis).")
        click.echo(f"Export queued (job {jobs.enqueue_export(app)}).")
        return
    target = directory or app.config["OPENDATA_DIR"]
    index = jobs.export_datasets(app, target)
    for name, info in index["datasets"].items():
        click.echo(f"{name}: {info['records']} records")
    click.echo(f"Written to {target}.")


privacy = AppGroup("privacy", help="Personal data past its retention.")


@privacy.command("purge")
def purge_personal_data():
    """Delete what is kept past its retention (schedule it daily): unconfirmed
    accounts, old emails, old moderation log entries, read notifications and
    rate-limit counters (IP addresses). The periods are the RETENTION_*
    settings, which the privacy notice shows."""
    from datetime import timedelta

    from flask import current_app

    from participation.services import privacy as service

    result = service.purge()
    db.session.commit()
    click.echo(f"Deleted {result}.")
    config = current_app.config
    counters = service.purge_rate_limits(
        config["RATELIMIT_STORAGE_URI"],
        config.get("RATELIMIT_KEY_PREFIX", ""),
        timedelta(hours=int(config["RETENTION_RATE_LIMIT_HOURS"])),
    )
    if counters is None:
        click.echo("Rate-limit counters live in memory and expire with their window.")
    else:
        click.echo(f"Deleted rate-limit counters past their retention: {counters}.")


def init_app(app: Flask) -> None:
    from participation.budgets.cli import budgets

    for group in (users, demo, translate, opendata, privacy, budgets):
        app.cli.add_command(group)
