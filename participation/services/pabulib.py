"""Reading a Pabulib (.pb) file: a past participatory budgeting election (projects,
costs, approval ballots) loaded as a closed, counted round, so that a city can replay
a real election and compare the rules. The other way, `budgets.export_pabulib()`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from participation.extensions import db
from participation.models import BudgetBallot, BudgetBallotChoice, BudgetProject, BudgetRound
from participation.models.base import utcnow
from participation.parsing import MAX_DB_INT
from participation.services import DomainError
from participation.services import budgets as service
from participation.vocabulary import BallotRule, BudgetEventKind, Feasibility, OutcomeRule

RECEIPT_MAX = 32


class PabulibError(DomainError):
    """The file is not a Pabulib file this platform can load."""


@dataclass
class PabulibFile:
    meta: dict[str, str] = field(default_factory=dict)
    # project_id -> its row (cost, name, votes, selected...)
    projects: dict[str, dict[str, str]] = field(default_factory=dict)
    # voter_id -> the project ids they approved
    votes: dict[str, list[str]] = field(default_factory=dict)

    def selected(self) -> set[str] | None:
        """The file's `selected` column (the winners by its own rule), if it has one."""
        rows = list(self.projects.values())
        if not rows or "selected" not in rows[0]:
            return None
        return {pid for pid, row in self.projects.items() if row.get("selected", "").strip() == "1"}


def parse(text: str) -> PabulibFile:
    """The three sections of a Pabulib file (META, PROJECTS, VOTES), each a header line
    then ';'-separated rows. Raises PabulibError on what it cannot read."""
    parsed = PabulibFile()
    section: str | None = None
    header: list[str] | None = None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    for row in reader:
        if not row or not any(cell.strip() for cell in row):
            continue
        first = row[0].strip()
        if len(row) == 1 and first.upper() in ("META", "PROJECTS", "VOTES"):
            section, header = first.upper(), None
            continue
        if section is None:
            raise PabulibError("not a Pabulib file: it must start with META")
        if header is None:
            header = [cell.strip() for cell in row]
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=False))
        if section == "META":
            parsed.meta[values.get("key", "")] = values.get("value", "")
        elif section == "PROJECTS":
            parsed.projects[values.get("project_id", "")] = values
        else:
            vote = values.get("vote", "")
            parsed.votes[values.get("voter_id", "")] = [v for v in vote.split(",") if v.strip()]
    if not parsed.projects:
        raise PabulibError("the file has no PROJECTS section")
    # Pabulib's vote type, named through BallotRule like the export does.
    vote_type = parsed.meta.get("vote_type", BallotRule.APPROVAL.value)
    if vote_type != BallotRule.APPROVAL:
        raise PabulibError(f"only approval ballots can be loaded, not {vote_type!r}")
    for pid, project in parsed.projects.items():
        if not pid:
            raise PabulibError("a project has no project_id")
        if _amount(project.get("cost")) is None:
            raise PabulibError(f"project {pid} has no valid cost")
    for voter, chosen in parsed.votes.items():
        for pid in chosen:
            if pid.strip() not in parsed.projects:
                raise PabulibError(f"voter {voter} approves project {pid}, which is not listed")
    if _amount(parsed.meta.get("budget")) is None:
        raise PabulibError("the META section has no valid budget")
    return parsed


def _amount(value: str | None) -> int | None:
    """A positive amount in whole euros (Pabulib may write 1000 or 1000.0)."""
    try:
        amount = int(round(float((value or "").replace(",", "."))))
    except ValueError:
        return None
    return amount if 0 < amount <= MAX_DB_INT else None


def _date(value: str | None) -> datetime | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%Y"):
        try:
            return datetime.strptime((value or "").strip(), pattern)
        except ValueError:
            continue
    return None


def _receipt(round_id: int, voter_id: str) -> str:
    """The voter's id as the file gives it, made unique across rounds."""
    return f"{round_id}:{voter_id}"[:RECEIPT_MAX]


def import_round(text: str) -> BudgetRound:
    """Load the file as a closed round (results phase), with its projects (all
    feasible), costs and ballots (no accounts), then count it under both rules."""
    pb = parse(text)
    meta = pb.meta
    budget = _amount(meta["budget"])
    assert budget is not None  # parse() checked it
    now = utcnow()
    ends = _date(meta.get("date_end")) or now - timedelta(days=1)
    begins = _date(meta.get("date_begin")) or ends - timedelta(days=1)
    closes = min(ends + timedelta(days=1), now)
    opens = min(begins, closes - timedelta(days=1))
    if "max_sum_cost" in meta or "max_length" not in meta:
        ballot_rule, max_choices, min_share = BallotRule.KNAPSACK, None, 0
        least = _amount(meta.get("min_sum_cost"))
        if least:
            min_share = min(100, least * 100 // budget)
    else:
        ballot_rule, min_share = BallotRule.APPROVAL, 0
        max_choices = max(1, int(_amount(meta.get("max_length")) or len(pb.projects)))
    rule = meta.get("rule", "")
    outcome_rule = OutcomeRule.EQUAL_SHARES if "equalshares" in rule else OutcomeRule.GREEDY
    place = " ".join(x for x in (meta.get("unit", ""), meta.get("instance", "")) if x)
    title = (meta.get("description") or place or "Pabulib")[:180]
    budget_round = BudgetRound(
        title_fr=title,
        title_nl=title,
        title_en=title,
        description_fr=f"Importé de Pabulib : {place or title}.",
        description_nl=f"Geïmporteerd uit Pabulib: {place or title}.",
        description_en=f"Imported from Pabulib: {place or title}.",
        municipality_id=None,
        total_amount=budget,
        submission_opens_at=opens,
        review_opens_at=opens,
        voting_opens_at=opens,
        voting_closes_at=closes,
        ballot_rule=ballot_rule,
        min_share=min_share,
        max_choices=max_choices,
        outcome_rule=outcome_rule,
        created_at=now,
    )
    db.session.add(budget_round)
    db.session.flush()
    ids: dict[str, int] = {}
    for pid, row in pb.projects.items():
        name = " ".join((row.get("name") or "").split()) or f"Project {pid}"
        project = BudgetProject(
            round_id=budget_round.id,
            title=name[:150],
            description=name if len(name) >= 20 else f"{name} (Pabulib {pid})",
            language="fr",
            cost=_amount(row.get("cost")),
            feasibility=Feasibility.FEASIBLE,
            translations={},
            created_at=now,
        )
        db.session.add(project)
        db.session.flush()
        ids[pid] = project.id
    costs = {ids[pid]: _amount(row.get("cost")) or 0 for pid, row in pb.projects.items()}
    _insert_ballots(
        budget_round, {v: [ids[p.strip()] for p in c] for v, c in pb.votes.items()}, costs
    )
    service.log_event(
        None, budget_round, BudgetEventKind.IMPORT_ROUND, projects=len(ids), ballots=len(pb.votes)
    )
    service.tally(None, budget_round)
    # Who could have voted is not in the file: no turnout.
    budget_round.eligible_count = 0
    db.session.flush()
    return budget_round


def _insert_ballots(
    budget_round: BudgetRound, votes: dict[str, list[int]], costs: dict[int, int]
) -> None:
    """Bulk insert: a few statements whatever the number of ballots."""
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for voter, chosen in votes.items():
        unique = list(dict.fromkeys(chosen))
        cost = sum(costs[pid] for pid in unique)
        rows.append(
            {
                "round_id": budget_round.id,
                "voter_id": None,
                "receipt": _receipt(budget_round.id, voter),
                "total_cost": cost,
                "created_at": now,
                "updated_at": now,
                "_choices": unique,
            }
        )
    if not rows:
        return
    db.session.execute(
        insert(BudgetBallot), [{k: v for k, v in r.items() if k != "_choices"} for r in rows]
    )
    by_receipt = dict(
        db.session.execute(
            select(BudgetBallot.receipt, BudgetBallot.id).where(
                BudgetBallot.round_id == budget_round.id
            )
        ).all()
    )
    choices = [
        {"ballot_id": by_receipt[r["receipt"]], "project_id": pid}
        for r in rows
        for pid in r["_choices"]
    ]
    if choices:
        db.session.execute(insert(BudgetBallotChoice), choices)
