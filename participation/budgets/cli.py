"""flask budgets import FILE.pb / export ROUND_ID / announce."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from participation.extensions import db
from participation.services import DomainError, pabulib
from participation.services import budgets as service

budgets = AppGroup("budgets", help="Participatory budgets: Pabulib import and export.")


@budgets.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Load a past election (a Pabulib .pb file) as a closed round, count it under both
    rules, and print the new round's id."""
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    try:
        with force_locale("en"):
            budget_round = pabulib.import_round(text)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error.message}") from error
    db.session.commit()
    click.echo(budget_round.id)


@budgets.command("export")
@click.argument("round_id", type=int)
def export_command(round_id: int) -> None:
    """Write a counted round as Pabulib to standard output (the file the site offers)."""
    budget_round = service.load_round(round_id)
    if budget_round is None:
        raise click.ClickException(f"There is no budget round {round_id}.")
    try:
        with force_locale("en"):
            text = service.export_pabulib(budget_round)
    except DomainError as error:
        raise click.ClickException(f"Round {round_id}: {error.message}") from error
    click.echo(text, nl=False)


@budgets.command("announce")
def announce_command() -> None:
    """Tell those who opted in that voting opened in a round (run from cron)."""
    told = service.announce_due_rounds()
    db.session.commit()
    click.echo(f"Told {told} people.")
