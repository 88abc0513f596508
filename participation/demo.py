"""Demonstration data for a newcomer's machine. Idempotent.

The data lives in `data/demo.json`: the demo accounts (staff, the three demo
citizens, a few dozen residents), about fifty ideas written like real Brussels
residents would, in French, Dutch and English, across the four challenges and
many municipalities, with their comments, reports, moderation decisions and
official answers.

`load()` tells that story through the same services people go through:
register and confirm, set a role, propose, approve or reject, support,
comment, report (ideas and comments), hide, restore, suspend, mark a duplicate,
answer officially, withdraw. Each step runs at its own moment of the last 60
days (clock_at), so counters, the moderation log and notifications are what the
services make of them. No email is sent: the addresses are not real.

Running it again creates nothing new: accounts are found by email, ideas by
title, and an idea's story is told only when the idea is created.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from participation import demo_answers, demo_budgets, demo_consultations, demo_translations
from participation.extensions import db
from participation.models import Challenge, Comment, Idea, Municipality, User
from participation.models.base import clock_at, utcnow
from participation.models.ideas import CLOSED_OFFICIAL_STATUSES
from participation.services import (
    accounts,
    comments,
    ideas,
    moderation,
    notifications,
    officials,
    reports,
    supports,
)
from participation.services.passwords import hash_password
from participation.vocabulary import CommentStatus, IdeaStatus, Role

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.json"
ACCOUNT_AGE = timedelta(days=90)
STAFF_AGE = timedelta(days=120)


def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


DATA = read_data()
DEMO_PASSWORD: str = DATA["password"]


def demo_email(short: str) -> str:
    return f"{short}@demo.brussels"


@dataclass
class Summary:
    accounts: int = 0
    ideas: int = 0
    comments: int = 0

    def line(self) -> str:
        return (
            f"Demo data ready: {self.accounts} new accounts, {self.ideas} new ideas, "
            f"{self.comments} new comments (password for all accounts: {DEMO_PASSWORD})."
        )


@dataclass(order=True)
class Step:
    """One thing that happens to an idea, at `at`."""

    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.now = utcnow()
        self.rng = random.Random(2026)
        self.summary = Summary()
        self.places = {m.slug: m.id for m in db.session.scalars(select(Municipality))}
        self.challenges = {c.slug: c.id for c in db.session.scalars(select(Challenge))}
        self.users: dict[str, User] = {}

    @cached_property
    def password_hash(self) -> str:
        return hash_password(DEMO_PASSWORD)  # once: scrypt is slow on purpose

    # --- Accounts --------------------------------------------------------------------

    def account(
        self, short: str, email: str, name: str, language: str, place: str | None, age
    ) -> User:
        user = accounts.find_by_email(email)
        if user is None:
            with clock_at(self.now - age):
                result = accounts.register(
                    email,
                    name,
                    DEMO_PASSWORD,
                    language,
                    self.places.get(place or ""),
                    password_hash=self.password_hash,
                )
                user = result.user
                accounts.confirm_email(accounts.make_confirm_token(user))
            self.summary.accounts += 1
        self.users[short] = user
        return user

    def load_accounts(self) -> None:
        admin = None
        for n, row in enumerate(self.data["accounts"]):
            email = row["email"]
            known = accounts.find_by_email(email) is not None
            user = self.account(
                email.split("@")[0],
                email,
                row["name"],
                row["language"],
                None,
                STAFF_AGE - timedelta(hours=n),
            )
            if known or row["role"] == Role.CITIZEN:
                continue
            if row["role"] == Role.ADMIN:
                # As `flask users create --role admin` does: nobody above to ask.
                accounts.set_role(user, Role.ADMIN)
                admin = user
            elif admin is not None:
                with clock_at(self.now - STAFF_AGE + timedelta(days=1, hours=n)):
                    moderation.change_role(admin, user, row["role"])
            else:
                accounts.set_role(user, row["role"])
        for n, row in enumerate(self.data["citizens"]):
            self.account(
                row["short"],
                demo_email(row["short"]),
                row["name"],
                row["language"],
                row.get("place"),
                ACCOUNT_AGE - timedelta(hours=n),
            )
        self.supporters = [
            self.users[row["short"]] for row in self.data["citizens"] if row.get("supporter", True)
        ] + [self.users[s] for s in ("amina", "jan", "sarah")]
        self.moderator = self.users[Role.MODERATOR]
        self.official = self.users[Role.OFFICIAL]

    # --- Ideas -----------------------------------------------------------------------

    def load_ideas(self) -> None:
        titles = [row["title"] for row in self.data["ideas"]]
        existing = set(db.session.scalars(select(Idea.title).where(Idea.title.in_(titles))))
        for row in self.data["ideas"]:
            if row["title"] not in existing:
                self.tell(row)
                self.summary.ideas += 1

    def _ago(self, days: float, jitter_hours: tuple[int, int] = (0, 0)) -> datetime:
        return self.now - timedelta(
            days=days,
            hours=self.rng.randint(*jitter_hours),
            minutes=self.rng.randint(0, 59),
        )

    def tell(self, row: dict[str, Any]) -> None:
        """Create one idea and play its story, step by step, in time order."""
        author = self.users[row["author"]]
        created = self._ago(row["days_ago"], (1, 10))
        with clock_at(created):
            idea = ideas.propose_idea(
                author,
                ideas.IdeaInput(
                    title=row["title"],
                    body=row["body"],
                    challenge_id=self.challenges[row["challenge"]],
                    municipality_id=self.places[row["place"]] if row.get("place") else None,
                    language=row["language"],
                ),
                premoderation=True,
            )
        status = row.get("status", IdeaStatus.PUBLISHED)
        if status == IdeaStatus.PENDING:
            return
        reviewed = min(
            created + timedelta(hours=self.rng.randint(2, 20)), self.now - timedelta(minutes=5)
        )
        steps: list[Step] = []

        def step(at: datetime, run: Callable[[], None]) -> None:
            steps.append(Step(at, len(steps), run))

        if status == IdeaStatus.REJECTED:
            rejection = row["rejection"]
            step(
                reviewed,
                lambda: moderation.reject_idea(
                    self.moderator, idea, rejection["reason"], rejection.get("text")
                ),
            )
            self.play(idea, steps)
            return

        step(reviewed, lambda: moderation.approve_idea(self.moderator, idea))
        # Supports end when the idea closes: withdrawn, duplicate, or a closing answer.
        ends = [self.now]
        if "withdrawn_days_ago" in row:
            withdrawn = self.now - timedelta(days=row["withdrawn_days_ago"])
            ends.append(withdrawn)
            step(withdrawn, lambda: ideas.withdraw_idea(author, idea))
        if "duplicate_of" in row:
            duplicate = row["duplicate_of"]
            marked = self.now - timedelta(days=duplicate["days_ago"])
            ends.append(marked)
            step(marked, lambda: self.mark_duplicate(idea, duplicate))
        for report in row.get("reports", []):  # reports on the idea itself
            reported = self.now - timedelta(days=report["days_ago"])
            if report.get("hides"):  # the report that reaches the threshold
                ends.append(reported)
            step(reported, self.report(idea, report))
        for decision in row.get("moderation", []):
            decided = self.now - timedelta(days=decision["days_ago"])
            if decision["action"] == "hide":
                ends.append(decided)
            step(decided, lambda decision=decision: self.moderate(idea, decision))
        for answer in row.get("official", []):
            answered = self._ago(answer["days_ago"])
            if answer["status"] in CLOSED_OFFICIAL_STATUSES:
                ends.append(answered)
            step(answered, self.answer(idea, answer))
        closes = min(ends)
        for at, user in self.support_times(row, author, reviewed, closes):
            step(at, self.support(idea, user))
        threads = row.get("comments", [])
        for n, thread in enumerate(threads, start=1):
            self.comment_steps(idea, thread, reviewed, closes, step, n / (len(threads) + 2))
        self.play(idea, steps)

    def play(self, idea: Idea, steps: list[Step]) -> None:
        for s in sorted(steps):
            with clock_at(s.at):
                s.run()
            # Counters move by UPDATE ... SET n = n + 1: read them back.
            db.session.refresh(idea)

    def support_times(
        self, row: dict[str, Any], author: User, opened: datetime, closes: datetime
    ) -> list[tuple[datetime, User]]:
        """Who supports the idea and when: some in the last week ("recent", which
        makes trending differ from most supported), the rest since it opened."""
        candidates = [u for u in self.supporters if u.id != author.id]
        chosen = [self.users[s] for s in row.get("supported_by", []) if s != row["author"]]
        others = [u for u in candidates if u not in chosen]
        count = min(row.get("supports", 0), len(candidates))
        chosen += self.rng.sample(others, max(0, count - len(chosen)))
        recent_count = round(len(chosen) * row.get("recent", 0.1))
        age = closes - opened
        result = []
        for i, user in enumerate(chosen):
            window = min(age, timedelta(days=6, hours=20)) if i < recent_count else age
            seconds = self.rng.randint(60, max(61, int(window.total_seconds())))
            at = max(closes - timedelta(seconds=seconds), opened + timedelta(minutes=5))
            result.append((min(at, closes - timedelta(minutes=1)), user))
        return result

    def support(self, idea: Idea, user: User) -> Callable[[], None]:
        return lambda: supports.support_idea(user, idea)

    def report(self, item: Idea | Comment, report: dict[str, Any]) -> Callable[[], None]:
        return lambda: reports.report_item(self.users[report["by"]], item, report["reason"])

    def answer(self, idea: Idea, answer: dict[str, Any]) -> Callable[[], None]:
        return lambda: officials.set_official_status(
            self.official, idea, answer["status"], demo_answers.responses(answer)
        )

    def mark_duplicate(self, idea: Idea, duplicate: dict[str, Any]) -> None:
        original = db.session.scalar(select(Idea).where(Idea.title == duplicate["title"]))
        moderation.mark_duplicate(self.moderator, idea, original.id, duplicate.get("text"))

    # --- Comments, reports and their moderation ------------------------------------------

    def comment_steps(
        self, idea: Idea, thread: dict[str, Any], opened, closes, step, share: float
    ) -> None:
        """Post a comment `share` of the way through its idea's last 30 days, then
        its replies, reports and moderation decision."""
        base = max(opened, self.now - timedelta(days=30))
        end = closes
        at = base + (end - base) * share
        holder: dict[str, Comment] = {}

        def post() -> None:
            author = self.users[thread["author"]]
            holder["comment"] = comments.add_comment(author, idea, thread["text"])
            self.summary.comments += 1

        step(at, post)
        replies = thread.get("replies", [])
        for n, reply in enumerate(replies, start=1):

            def answer(reply=reply) -> None:
                comments.add_comment(
                    self.users[reply["author"]], idea, reply["text"], holder["comment"].id
                )
                self.summary.comments += 1

            step(at + (end - at) * n / (len(replies) + 1), answer)
        events = thread.get("reports", [])
        decision = thread.get("moderation")
        slots = len(events) + (1 if decision else 0) + 1
        for n, report in enumerate(events, start=1):
            step(
                at + (end - at) * n / slots,
                lambda report=report: self.report(holder["comment"], report)(),
            )
        if decision:
            step(
                at + (end - at) * (slots - 1) / slots,
                lambda: self.moderate(holder["comment"], decision),
            )

    def moderate(self, item: Idea | Comment, decision: dict[str, Any]) -> None:
        action, text = decision["action"], decision.get("text")
        if action == "hide":
            moderation.hide_item(self.moderator, item, decision["reason"], text)
        elif action == "restore":
            if item.status in (CommentStatus.HIDDEN, IdeaStatus.HIDDEN):  # after reports
                moderation.restore_item(self.moderator, item, text)
        elif action == "suspend_author":
            author = db.session.get(User, item.author_id)
            moderation.suspend_user(
                self.moderator, author, decision["days"], decision["reason"], text, True
            )
        else:
            raise ValueError(f"unknown moderation action {action!r}")


def load(data: dict[str, Any] | None = None) -> str:
    """Create what is missing; return a one-line summary."""
    loader = Loader(data or DATA)
    # A DomainError (a mistake in the data file) reads English on the console.
    with force_locale("en"), notifications.in_app_only():
        loader.load_accounts()
        loader.load_ideas()
        demo_budgets.load(
            loader.official, [loader.users[r["short"]] for r in loader.data["citizens"]]
        )
        demo_consultations.load()
        demo_translations.load()
    db.session.flush()
    return loader.summary.line()
