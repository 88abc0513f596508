"""Erasing the order in which anonymous answers arrived (PostgreSQL).

The answer tables hold nothing that names a respondent (models/consultations.py),
but PostgreSQL itself keeps two traces of arrival for anyone who can read the
database server directly: the physical place of each row (`ctid`, in arrival
order) and the transaction that wrote it (`xmin`, shared with the participation
row written in the same transaction). Lined up with `consultation_participations`
they would tell who answered what.

shuffle_due() removes both, for every consultation that received answers since its
last shuffle (at most every SHUFFLE_EVERY while it is open, and once more when it
closes): in one transaction it copies the consultation's anonymous rows aside,
deletes them and inserts them again in random order. Afterwards every row has the
same `xmin` (the shuffle's) and a place that says nothing. The ids, the answers
and the results do not change.

What remains (stated in the privacy notice): between an answer and the next shuffle
(SHUFFLE_EVERY at most) the traces exist; the deleted row versions stay in the data
files until VACUUM reuses their space (the worker asks for a VACUUM after each
shuffle, which frees but does not overwrite them), and the write-ahead log, backups
and replicas taken in between keep the arrival order until they expire. SQLite has
neither trace: its anonymous tables are WITHOUT ROWID, stored in the order of their
random keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, text, update

from participation.extensions import db
from participation.models import Consultation
from participation.models.base import utcnow

SHUFFLE_EVERY = timedelta(minutes=10)
TABLES = (
    "consultation_responses",
    "consultation_answers",
    "consultation_text_answers",
    "consultation_tallies",
)


def shuffle_needed() -> bool:
    """Only PostgreSQL keeps the traces (see the module's docstring)."""
    return db.session.get_bind().dialect.name == "postgresql"


def shuffle(consultation_id: int) -> int:
    """Rewrite one consultation's anonymous rows in random order; returns how many
    responses were rewritten. PostgreSQL only; the caller commits."""
    # Answering updates the consultation's row (respondent_count) before it commits:
    # holding that row, no answer commits while the rows are copied and rewritten.
    count = db.session.scalar(
        select(Consultation.respondent_count)
        .where(Consultation.id == consultation_id)
        .with_for_update()
    )
    if count is None:
        return 0
    params = {"c": consultation_id}
    # A moderator's decision on a free-text answer waits for this transaction.
    db.session.execute(
        text(
            "SELECT t.id FROM consultation_text_answers t JOIN consultation_responses r "
            "ON r.id = t.response_id WHERE r.consultation_id = :c FOR UPDATE OF t"
        ),
        params,
    )
    statements = [
        "CREATE TEMP TABLE shuffle_responses ON COMMIT DROP AS "
        "SELECT * FROM consultation_responses WHERE consultation_id = :c",
        "CREATE TEMP TABLE shuffle_answers ON COMMIT DROP AS SELECT a.* FROM "
        "consultation_answers a JOIN shuffle_responses r ON r.id = a.response_id",
        "CREATE TEMP TABLE shuffle_texts ON COMMIT DROP AS SELECT t.* FROM "
        "consultation_text_answers t JOIN shuffle_responses r ON r.id = t.response_id",
        # The answers and free texts go with their response (ON DELETE CASCADE).
        "DELETE FROM consultation_responses WHERE consultation_id = :c",
        "INSERT INTO consultation_responses SELECT * FROM shuffle_responses ORDER BY random()",
        "INSERT INTO consultation_answers SELECT * FROM shuffle_answers ORDER BY random()",
        "INSERT INTO consultation_text_answers SELECT * FROM shuffle_texts ORDER BY random()",
        # The tallies keep the transaction of the last answer that moved them.
        "UPDATE consultation_tallies SET count = count WHERE consultation_id = :c",
    ]
    for statement in statements:
        db.session.execute(text(statement), params if ":c" in statement else {})
    rewritten = db.session.scalar(text("SELECT count(*) FROM shuffle_responses")) or 0
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation_id)
        .values(shuffled_at=utcnow(), shuffled_count=count)
        .execution_options(synchronize_session=False)
    )
    return int(rewritten)


def due(now: datetime | None = None) -> list[int]:
    """Consultations with answers that arrived since their last shuffle: every
    SHUFFLE_EVERY while open, and at once when closed."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Consultation.id)
            .where(
                Consultation.respondent_count > Consultation.shuffled_count,
                or_(
                    Consultation.shuffled_at.is_(None),
                    Consultation.shuffled_at <= now - SHUFFLE_EVERY,
                    Consultation.closes_at <= now,
                ),
            )
            .order_by(Consultation.id)
        )
    )


def shuffle_due(now: datetime | None = None) -> list[int]:
    """Shuffle every consultation that is due, each in its own transaction (commits).
    Returns the ids shuffled."""
    if not shuffle_needed():
        return []
    done = []
    for consultation_id in due(now):
        shuffle(consultation_id)
        db.session.commit()
        done.append(consultation_id)
    return done


def vacuum() -> None:
    """Let PostgreSQL reuse the space of the deleted row versions (outside a
    transaction)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM " + ", ".join(TABLES)))
