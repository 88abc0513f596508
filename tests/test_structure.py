"""The structure issue's "done when", checked the way anyone can: by reading the
source. One vocabulary, one commit point, one permission gate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from participation import vocabulary

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "participation"
VIEW_MODULES = [
    path
    for path in PACKAGE.rglob("*.py")
    if path.parent != PACKAGE and path.parent.name != "services" and path.parent.name != "models"
]


def _terms() -> set[str]:
    """Every status, role and reason value of the vocabulary."""
    classes = (
        vocabulary.Role,
        vocabulary.IdeaStatus,
        vocabulary.OfficialStatus,
        vocabulary.CommentStatus,
        vocabulary.Reason,
        vocabulary.ModerationActionKind,
        vocabulary.NotificationKind,
        vocabulary.EmailGroup,
        vocabulary.Denial,
        vocabulary.QuestionKind,
        vocabulary.OptionKind,
        vocabulary.ConsultationState,
        vocabulary.ResultsVisibility,
        vocabulary.TextAnswerStatus,
        vocabulary.ConsultationEventKind,
        vocabulary.RoundPhase,
        vocabulary.BallotRule,
        vocabulary.OutcomeRule,
        vocabulary.Feasibility,
        vocabulary.OutboxStatus,
        vocabulary.BudgetEventKind,
        vocabulary.CountState,
    )
    return {member.value for cls in classes for member in cls}


# Words that are vocabulary values but also ordinary identifiers in code (form
# field names, URL segments, CSS hooks), allowed where they are not statuses.
ORDINARY = {
    "comments",
    "other",
    "duplicate",
    "author",
    "supported",  # a sort
    "moderation",  # a blueprint
    # the moderation URLs' verbs, named like the actions they log
    "approve",
    "reject",
    "hide",
    "restore",
    "create",  # a CLI command ("users create")
    "edit",  # a refusal page's action
    "budgets",  # a blueprint and a CLI group, like the email group
    # open data dataset names (/data/budget_results.csv), like the notification kinds
    "budget_results",
    "consultation_results",
}


def _python_sources():
    for path in PACKAGE.rglob("*.py"):
        if path.name != "vocabulary.py":
            yield path


def test_no_status_role_or_reason_literal_outside_the_vocabulary():
    terms = _terms() - ORDINARY
    found = []
    for path in _python_sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            for literal in re.findall(r"""(?<![\w.\[])(?<!get\()["']([a-z_]+)["'](?!\])""", code):
                if literal in terms and "field=" not in code and "prefix=" not in code:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {literal!r}")
    templates = ROOT / "templates"
    for path in templates.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "request.blueprint" in line:
                continue
            for literal in re.findall(r"""(?:==|!=|in \(|,)\s*["']([a-z_]+)["']""", line):
                if literal in terms:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {literal!r}")
    assert not found, "use participation/vocabulary.py instead:\n" + "\n".join(found)


def test_views_commit_only_through_the_lifecycle_helper():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in VIEW_MODULES
        if path.name != "cli.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"session\.(commit|rollback)\(|except DomainError", line)
    ]
    assert not offenders, "views use participation.web.transaction():\n" + "\n".join(offenders)


def test_views_do_not_decide_permissions_themselves():
    """Role and author checks belong to permissions.py: views and templates only ask."""
    pattern = re.compile(
        r"\.role\s*(==|!=|in)|author_id\s*==\s*current_user|is_banned|is_suspended"
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in VIEW_MODULES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"author_id == current_user|\.role ==", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "ask participation/permissions.py:\n" + "\n".join(offenders)


def test_services_check_their_verb_before_writing():
    """Each write service that a person triggers calls require(...) first."""
    expected = {
        "ideas.py": ["propose_idea", "edit_idea", "withdraw_idea"],
        "supports.py": ["support_idea", "withdraw_support"],
        "comments.py": ["add_comment", "edit_comment", "delete_comment"],
        "reports.py": ["report_item"],
        "officials.py": ["set_official_status"],
        "consultations.py": [
            "create_consultation",
            "update_consultation",
            "move_closing_date",
            "add_question",
            "remove_question",
            "answer_consultation",
            "moderate_text",
        ],
        "moderation.py": [
            "approve_idea",
            "reject_idea",
            "restore_item",
            "keep_hidden",
            "dismiss_reports",
            "mark_duplicate",
            "suspend_user",
            "ban_user",
            "lift_sanction",
            "change_role",
        ],
    }
    missing = []
    for module, functions in expected.items():
        source = (PACKAGE / "services" / module).read_text()
        for name in functions:
            body = source.split(f"def {name}(", 1)[1].split("\ndef ", 1)[0]
            if "require(" not in body:
                missing.append(f"{module}:{name}")
    assert not missing


@pytest.mark.parametrize(
    ("model", "column", "cls", "members"),
    [
        ("ideas", "status", vocabulary.IdeaStatus, None),
        ("comments", "status", vocabulary.CommentStatus, None),
        ("users", "role", vocabulary.Role, None),
        ("official_status_changes", "status", vocabulary.OfficialStatus, None),
        ("moderation_actions", "action", vocabulary.ModerationActionKind, None),
        ("moderation_actions", "target_type", vocabulary.TargetType, None),
        ("reports", "reason", vocabulary.Reason, vocabulary.REPORT_REASONS),
        ("consultations", "results_visibility", vocabulary.ResultsVisibility, None),
        ("consultation_questions", "kind", vocabulary.QuestionKind, None),
        ("consultation_options", "kind", vocabulary.OptionKind, None),
        ("consultation_text_answers", "status", vocabulary.TextAnswerStatus, None),
        ("consultation_events", "kind", vocabulary.ConsultationEventKind, None),
    ],
)
def test_database_check_constraints_hold_the_vocabulary(app, model, column, cls, members):
    """The migrated database accepts exactly the vocabulary's values."""
    from sqlalchemy import text

    from participation.extensions import db

    with app.app_context():
        bind = db.engine
        if bind.dialect.name == "postgresql":
            definitions = db.session.scalars(
                text(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = :t AND c.contype = 'c'"
                ),
                {"t": model},
            ).all()
            definition = " ".join(d for d in definitions if column in d)
        else:
            definition = db.session.scalar(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                {"t": model},
            )
    values = set(cls.values(members))
    found = {v for v in re.findall(r"'([a-z_]+)'", definition)}
    assert values <= found, (model, column, values - found)
    stray = {v for v in found if v in set(cls.values()) and v not in values}
    assert not stray
