"""The domain's vocabulary: every status, role, reason and kind, in one place.

Each is a `StrEnum` (its values are what the database stores), with:
- one translated label per value (`Role.ADMIN.label`), used by forms, templates,
  emails, CSV and the log;
- named sets where the code needs them (`OfficialStatus.CLOSED`);
- the check constraint the models and migrations use (`IdeaStatus.check("status")`).

Adding a value here adds it everywhere: the forms' choices, the labels, and the
database's check constraint (through a migration that reads the same values).
After Indico's `AbstractState`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Self

from flask_babel import lazy_gettext as _l


class Vocabulary(StrEnum):
    """A StrEnum whose members carry a translated label."""

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        """The label in the current language."""
        return str(type(self)._labels()[self])

    @property
    def lazy_label(self) -> Any:
        """The label, translated when it is shown (for form fields defined at import)."""
        return type(self)._labels()[self]

    @classmethod
    def values(cls, members: Iterable[Self] | None = None) -> tuple[str, ...]:
        return tuple(str(m) for m in (cls if members is None else members))

    @classmethod
    def choices(cls, members: Iterable[Self] | None = None) -> list[tuple[str, Any]]:
        """(value, lazy label) pairs for a form's choices, in declaration order."""
        labels = cls._labels()
        return [(str(m), labels[m]) for m in (cls if members is None else members)]

    @classmethod
    def label_of(cls, value: str | None, default: str = "") -> str:
        """The label of a stored value; `default` for None or an unknown value."""
        try:
            return cls(value).label if value else default
        except ValueError:
            return default

    @classmethod
    def check(cls, column: str, members: Iterable[Self] | None = None) -> str:
        """SQL for a check constraint: `column IN ('a', 'b', ...)`."""
        quoted = ", ".join(f"'{v}'" for v in cls.values(members))
        return f"{column} IN ({quoted})"


# --- Accounts -----------------------------------------------------------------------


class Role(Vocabulary):
    CITIZEN = "citizen"
    MODERATOR = "moderator"
    OFFICIAL = "official"
    ADMIN = "admin"

    @classmethod
    def _labels(cls):
        return _ROLE_LABELS


_ROLE_LABELS = {
    Role.CITIZEN: _l("Citizen"),
    Role.MODERATOR: _l("Moderator"),
    Role.OFFICIAL: _l("Official"),
    Role.ADMIN: _l("Administrator"),
}
# Who moderates content and users.
STAFF_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})
# Who answers ideas officially and reads the dashboard.
RESPONDER_ROLES = frozenset({Role.OFFICIAL, Role.ADMIN})


class Language(Vocabulary):
    """The interface's languages, and the languages content is written in."""

    FR = "fr"
    NL = "nl"
    EN = "en"

    @classmethod
    def _labels(cls):
        return _LANGUAGE_LABELS


# Each language is named in itself: a reader finds their own.
_LANGUAGE_LABELS = {Language.FR: "Français", Language.NL: "Nederlands", Language.EN: "English"}


# --- Ideas and comments -------------------------------------------------------------


class IdeaStatus(Vocabulary):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return _IDEA_STATUS_LABELS


_IDEA_STATUS_LABELS = {
    IdeaStatus.PENDING: _l("Waiting for moderation"),
    IdeaStatus.PUBLISHED: _l("Published"),
    IdeaStatus.REJECTED: _l("Not published"),
    IdeaStatus.HIDDEN: _l("Hidden by moderation"),
    IdeaStatus.WITHDRAWN: _l("Withdrawn"),
}


class TranslationStatus(Vocabulary):
    """A translation of an idea: the author's are published at once, a participant's
    waits for a moderator."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls):
        return _TRANSLATION_STATUS_LABELS


_TRANSLATION_STATUS_LABELS = {
    TranslationStatus.PENDING: _l("Waiting for moderation"),
    TranslationStatus.PUBLISHED: _l("Published"),
    TranslationStatus.REJECTED: _l("Not published"),
}

# Visible to everyone (hidden ideas as a placeholder).
PUBLIC_IDEA_STATUSES = frozenset({IdeaStatus.PUBLISHED, IdeaStatus.WITHDRAWN, IdeaStatus.HIDDEN})
# Listed and readable in full.
LISTED_IDEA_STATUSES = frozenset({IdeaStatus.PUBLISHED, IdeaStatus.WITHDRAWN})
# The author may still edit or withdraw.
OPEN_IDEA_STATUSES = frozenset({IdeaStatus.PENDING, IdeaStatus.PUBLISHED, IdeaStatus.REJECTED})


class OfficialStatus(Vocabulary):
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    NOT_RETAINED = "not_retained"

    @classmethod
    def _labels(cls):
        return _OFFICIAL_STATUS_LABELS


_OFFICIAL_STATUS_LABELS = {
    OfficialStatus.UNDER_REVIEW: _l("Under review"),
    OfficialStatus.ACCEPTED: _l("Accepted"),
    OfficialStatus.IN_PROGRESS: _l("In progress"),
    OfficialStatus.IMPLEMENTED: _l("Implemented"),
    OfficialStatus.NOT_RETAINED: _l("Not retained"),
}
# An answer that closes an idea to supports.
CLOSED_OFFICIAL_STATUSES = frozenset({OfficialStatus.IMPLEMENTED, OfficialStatus.NOT_RETAINED})
# An answer that must come with a public response text.
RESPONSE_REQUIRED_STATUSES = frozenset({OfficialStatus.ACCEPTED, OfficialStatus.NOT_RETAINED})


class CommentStatus(Vocabulary):
    VISIBLE = "visible"
    DELETED = "deleted"
    HIDDEN = "hidden"

    @classmethod
    def _labels(cls):
        return _COMMENT_STATUS_LABELS


_COMMENT_STATUS_LABELS = {
    CommentStatus.VISIBLE: _l("Visible"),
    CommentStatus.DELETED: _l("Comment deleted"),
    CommentStatus.HIDDEN: _l("Comment hidden by moderation"),
}


# --- Moderation ---------------------------------------------------------------------


class Reason(Vocabulary):
    """Why something was reported, rejected, hidden or sanctioned."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    NOT_A_PROPOSAL = "not_a_proposal"
    PERSONAL_DATA = "personal_data"
    HARASSMENT = "harassment"
    REPEATED = "repeated"
    # The system's own category: hidden automatically after several reports.
    REPORTED = "reported"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return _REASON_LABELS


_REASON_LABELS = {
    Reason.SPAM: _l("Spam or advertising"),
    Reason.OFFENSIVE: _l("Offensive or hateful"),
    Reason.OFF_TOPIC: _l("Off-topic"),
    Reason.DUPLICATE: _l("Duplicate of another idea"),
    Reason.NOT_A_PROPOSAL: _l("Not a proposal"),
    Reason.PERSONAL_DATA: _l("Personal data"),
    Reason.HARASSMENT: _l("Harassment"),
    Reason.REPEATED: _l("Repeated breaches of the rules"),
    Reason.REPORTED: _l("Reported by several participants, awaiting review"),
    Reason.OTHER: _l("Other"),
}
# Why a citizen reports an idea or a comment.
REPORT_REASONS = (Reason.SPAM, Reason.OFFENSIVE, Reason.OFF_TOPIC, Reason.DUPLICATE, Reason.OTHER)
# Why a moderator rejects a pending idea.
REJECT_REASONS = (
    Reason.DUPLICATE,
    Reason.OFF_TOPIC,
    Reason.NOT_A_PROPOSAL,
    Reason.OFFENSIVE,
    Reason.OTHER,
)
# Why a moderator hides an idea or a comment.
MODERATOR_HIDE_REASONS = (
    Reason.SPAM,
    Reason.OFFENSIVE,
    Reason.OFF_TOPIC,
    Reason.DUPLICATE,
    Reason.PERSONAL_DATA,
    Reason.OTHER,
)
# Why an idea or a comment is hidden: a moderator's reasons, or the system's.
HIDE_REASONS = (*MODERATOR_HIDE_REASONS, Reason.REPORTED)
# Why a citizen is suspended or banned.
SANCTION_REASONS = (
    Reason.SPAM,
    Reason.OFFENSIVE,
    Reason.HARASSMENT,
    Reason.REPEATED,
    Reason.OTHER,
)


class ModerationActionKind(Vocabulary):
    """What the moderation log records. AUTO_HIDE is written by the system."""

    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"
    KEEP_HIDDEN = "keep_hidden"
    DISMISS_REPORTS = "dismiss_reports"
    AUTO_HIDE = "auto_hide"
    MARK_DUPLICATE = "mark_duplicate"
    SUSPEND = "suspend"
    BAN = "ban"
    LIFT_SANCTION = "lift_sanction"
    CHANGE_ROLE = "change_role"
    APPROVE_TRANSLATION = "approve_translation"
    REJECT_TRANSLATION = "reject_translation"

    @classmethod
    def _labels(cls):
        return _ACTION_LABELS


_ACTION_LABELS = {
    ModerationActionKind.APPROVE: _l("Approved"),
    ModerationActionKind.REJECT: _l("Rejected"),
    ModerationActionKind.HIDE: _l("Hidden"),
    ModerationActionKind.RESTORE: _l("Restored"),
    ModerationActionKind.KEEP_HIDDEN: _l("Kept hidden"),
    ModerationActionKind.DISMISS_REPORTS: _l("Reports dismissed"),
    ModerationActionKind.AUTO_HIDE: _l("Hidden automatically after reports"),
    ModerationActionKind.MARK_DUPLICATE: _l("Marked as duplicate"),
    ModerationActionKind.SUSPEND: _l("Suspended"),
    ModerationActionKind.BAN: _l("Banned"),
    ModerationActionKind.LIFT_SANCTION: _l("Suspension or ban lifted"),
    ModerationActionKind.CHANGE_ROLE: _l("Role changed"),
    ModerationActionKind.APPROVE_TRANSLATION: _l("Translation approved"),
    ModerationActionKind.REJECT_TRANSLATION: _l("Translation rejected"),
}


class TargetType(Vocabulary):
    """What a moderation action or a report is about."""

    IDEA = "idea"
    COMMENT = "comment"
    USER = "user"

    @classmethod
    def _labels(cls):
        return _TARGET_LABELS


_TARGET_LABELS = {
    TargetType.IDEA: _l("Idea"),
    TargetType.COMMENT: _l("Comment"),
    TargetType.USER: _l("Participant"),
}


# --- Notifications ------------------------------------------------------------------


class EmailGroup(Vocabulary):
    """The notification emails a user can switch off, one group each."""

    MODERATION = "moderation"
    RESPONSES = "responses"
    COMMENTS = "comments"
    SUPPORTED = "supported"
    BUDGETS = "budgets"
    # Opt-in: only those who ticked it are told (in the app and by email).
    BUDGET_VOTING = "budget_voting"
    NEW_CONSULTATIONS = "new_consultations"
    CONSULTATION_RESULTS = "consultation_results"

    @classmethod
    def _labels(cls):
        return _GROUP_LABELS

    @property
    def default(self) -> bool:
        """On for someone who never chose, except the opt-in groups."""
        return self not in OPT_IN_GROUPS


_GROUP_LABELS = {
    EmailGroup.MODERATION: _l(
        "Moderation decisions about my ideas (published, not published, hidden...)"
    ),
    EmailGroup.RESPONSES: _l("Official responses to my ideas"),
    EmailGroup.COMMENTS: _l("New comments on my ideas"),
    EmailGroup.SUPPORTED: _l("News about ideas I support (official responses, duplicates)"),
    EmailGroup.BUDGETS: _l(
        "Participatory budgets: the results of rounds I voted in, my ideas that became projects"
    ),
    EmailGroup.BUDGET_VOTING: _l("Tell me when voting opens in a participatory budget"),
    EmailGroup.NEW_CONSULTATIONS: _l(
        "New consultations I can answer (off unless you switch it on; also in the app)"
    ),
    EmailGroup.CONSULTATION_RESULTS: _l("Results of consultations I answered"),
}
# Nobody is told about these until they ask: a new consultation goes to many people.
OPT_IN_GROUPS = frozenset({EmailGroup.NEW_CONSULTATIONS, EmailGroup.BUDGET_VOTING})


class NotificationKind(Vocabulary):
    """What a notification tells; its label is the email's subject."""

    IDEA_APPROVED = "idea_approved"
    IDEA_REJECTED = "idea_rejected"
    IDEA_HIDDEN = "idea_hidden"
    IDEA_RESTORED = "idea_restored"
    IDEA_DUPLICATE = "idea_duplicate"
    IDEA_ANSWERED = "idea_answered"
    SUPPORTED_IDEA_ANSWERED = "supported_idea_answered"
    IDEA_COMMENTED = "idea_commented"
    IDEA_BECAME_PROJECT = "idea_became_project"
    SUPPORTED_IDEA_BECAME_PROJECT = "supported_idea_became_project"
    BUDGET_VOTING_OPEN = "budget_voting_open"
    BUDGET_RESULTS = "budget_results"
    CONSULTATION_OPENED = "consultation_opened"
    CONSULTATION_RESULTS = "consultation_results"

    @classmethod
    def _labels(cls):
        return _NOTIFICATION_LABELS

    @property
    def group(self) -> EmailGroup:
        """The email group a recipient switches off to stop this kind."""
        return _NOTIFICATION_GROUPS[self]


_NOTIFICATION_LABELS = {
    NotificationKind.IDEA_APPROVED: _l("Your idea has been published"),
    NotificationKind.IDEA_REJECTED: _l("Your idea was not published"),
    NotificationKind.IDEA_HIDDEN: _l("Your idea has been hidden by moderation"),
    NotificationKind.IDEA_RESTORED: _l("Your idea is visible again"),
    NotificationKind.IDEA_DUPLICATE: _l("An idea was marked as a duplicate"),
    NotificationKind.IDEA_ANSWERED: _l("An official response to your idea"),
    NotificationKind.SUPPORTED_IDEA_ANSWERED: _l("An official response to an idea you support"),
    NotificationKind.IDEA_COMMENTED: _l("A new comment on your idea"),
    NotificationKind.IDEA_BECAME_PROJECT: _l("Your idea became a budget project"),
    NotificationKind.SUPPORTED_IDEA_BECAME_PROJECT: _l(
        "An idea you support became a budget project"
    ),
    NotificationKind.BUDGET_VOTING_OPEN: _l("Voting is open in a participatory budget"),
    NotificationKind.BUDGET_RESULTS: _l("The results of a participatory budget are published"),
    NotificationKind.CONSULTATION_OPENED: _l("A new consultation is open"),
    NotificationKind.CONSULTATION_RESULTS: _l("The results of a consultation you answered"),
}
# IDEA_DUPLICATE is "moderation" for the author, "supported" for supporters.
_NOTIFICATION_GROUPS = {
    NotificationKind.IDEA_APPROVED: EmailGroup.MODERATION,
    NotificationKind.IDEA_REJECTED: EmailGroup.MODERATION,
    NotificationKind.IDEA_HIDDEN: EmailGroup.MODERATION,
    NotificationKind.IDEA_RESTORED: EmailGroup.MODERATION,
    NotificationKind.IDEA_DUPLICATE: EmailGroup.MODERATION,
    NotificationKind.IDEA_ANSWERED: EmailGroup.RESPONSES,
    NotificationKind.SUPPORTED_IDEA_ANSWERED: EmailGroup.SUPPORTED,
    NotificationKind.IDEA_COMMENTED: EmailGroup.COMMENTS,
    NotificationKind.IDEA_BECAME_PROJECT: EmailGroup.BUDGETS,
    NotificationKind.SUPPORTED_IDEA_BECAME_PROJECT: EmailGroup.BUDGETS,
    NotificationKind.BUDGET_VOTING_OPEN: EmailGroup.BUDGET_VOTING,
    NotificationKind.BUDGET_RESULTS: EmailGroup.BUDGETS,
    NotificationKind.CONSULTATION_OPENED: EmailGroup.NEW_CONSULTATIONS,
    NotificationKind.CONSULTATION_RESULTS: EmailGroup.CONSULTATION_RESULTS,
}
# Notifications about a consultation (data: consultation_id and its titles), not an idea.
CONSULTATION_NOTIFICATIONS = frozenset(
    {NotificationKind.CONSULTATION_OPENED, NotificationKind.CONSULTATION_RESULTS}
)


# --- Participatory budgeting ---------------------------------------------------------


class RoundPhase(Vocabulary):
    """Where a budget round stands, read from its dates (never stored)."""

    UPCOMING = "upcoming"
    SUBMISSION = "submission"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"

    @classmethod
    def _labels(cls):
        return _ROUND_PHASE_LABELS


_ROUND_PHASE_LABELS = {
    RoundPhase.UPCOMING: _l("Not started yet"),
    RoundPhase.SUBMISSION: _l("Project submission"),
    RoundPhase.REVIEW: _l("Feasibility review"),
    RoundPhase.VOTING: _l("Voting"),
    RoundPhase.RESULTS: _l("Results"),
}
# The four phases a round goes through, in order (UPCOMING comes before them).
ROUND_PHASES = (RoundPhase.SUBMISSION, RoundPhase.REVIEW, RoundPhase.VOTING, RoundPhase.RESULTS)
# Officials may still review projects (cost, feasibility) until voting opens.
REVIEW_PHASES = frozenset({RoundPhase.SUBMISSION, RoundPhase.REVIEW})


class BallotRule(Vocabulary):
    """What a ballot may hold."""

    KNAPSACK = "knapsack"
    APPROVAL = "approval"

    @classmethod
    def _labels(cls):
        return _BALLOT_RULE_LABELS


_BALLOT_RULE_LABELS = {
    BallotRule.KNAPSACK: _l("Budget ballot: any projects whose total cost fits the budget"),
    BallotRule.APPROVAL: _l("Approval ballot: up to a number of projects, whatever their cost"),
}


class OutcomeRule(Vocabulary):
    """How the votes decide which projects are funded."""

    GREEDY = "greedy"
    EQUAL_SHARES = "equal_shares"

    @classmethod
    def _labels(cls):
        return _OUTCOME_RULE_LABELS

    @property
    def short_label(self) -> str:
        """A name short enough for a table column."""
        return str(_OUTCOME_RULE_SHORT_LABELS[self])


_OUTCOME_RULE_LABELS = {
    OutcomeRule.GREEDY: _l("Greedy: most votes first, skipping what no longer fits"),
    OutcomeRule.EQUAL_SHARES: _l("Method of Equal Shares: proportional"),
}
_OUTCOME_RULE_SHORT_LABELS = {
    OutcomeRule.GREEDY: _l("Greedy"),
    OutcomeRule.EQUAL_SHARES: _l("Equal shares"),
}


class Feasibility(Vocabulary):
    """An official's verdict on a submitted project."""

    PENDING = "pending"
    FEASIBLE = "feasible"
    NOT_FEASIBLE = "not_feasible"

    @classmethod
    def _labels(cls):
        return _FEASIBILITY_LABELS


_FEASIBILITY_LABELS = {
    Feasibility.PENDING: _l("Waiting for the feasibility review"),
    Feasibility.FEASIBLE: _l("Feasible"),
    Feasibility.NOT_FEASIBLE: _l("Not feasible"),
}


class BudgetEventKind(Vocabulary):
    """What the budget log records: every official's action on a round or a project."""

    CREATE_ROUND = "create_round"
    CHANGE_PHASE = "change_phase"
    CLOSE_VOTING = "close_voting"
    PROJECT_FROM_IDEA = "project_from_idea"
    REVIEW_PROJECT = "review_project"
    REQUEST_COUNT = "request_count"
    PUBLISH_RESULTS = "publish_results"
    IMPORT_ROUND = "import_round"

    @classmethod
    def _labels(cls):
        return _BUDGET_EVENT_LABELS


_BUDGET_EVENT_LABELS = {
    BudgetEventKind.CREATE_ROUND: _l("Round created"),
    BudgetEventKind.CHANGE_PHASE: _l("Phase changed"),
    BudgetEventKind.CLOSE_VOTING: _l("Voting closed"),
    BudgetEventKind.PROJECT_FROM_IDEA: _l("Idea turned into a project"),
    BudgetEventKind.REVIEW_PROJECT: _l("Cost and feasibility set"),
    BudgetEventKind.REQUEST_COUNT: _l("Count requested"),
    BudgetEventKind.PUBLISH_RESULTS: _l("Results published"),
    BudgetEventKind.IMPORT_ROUND: _l("Round imported from a Pabulib file"),
}


class CountState(Vocabulary):
    """Where the background count of a round stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def _labels(cls):
        return _COUNT_STATE_LABELS


_COUNT_STATE_LABELS = {
    CountState.QUEUED: _l("The count is waiting to start."),
    CountState.RUNNING: _l("The votes are being counted."),
    CountState.DONE: _l("The votes have been counted and the results are published."),
    CountState.FAILED: _l("The count failed; officials can start it again."),
}


# --- Consultations -----------------------------------------------------------------


class QuestionKind(Vocabulary):
    """What a consultation question asks for."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    RANKING = "ranking"
    FREE_TEXT = "free_text"

    @classmethod
    def _labels(cls):
        return _QUESTION_KIND_LABELS


_QUESTION_KIND_LABELS = {
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
    QuestionKind.SCALE: _l("Scale from 1 to 5"),
    QuestionKind.RANKING: _l("Ranking"),
    QuestionKind.FREE_TEXT: _l("Free text"),
}
# Questions answered by choosing among options.
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING})


class OptionKind(Vocabulary):
    """An ordinary option, or one of the two the 2018 survey offered everywhere."""

    REGULAR = "regular"
    DONT_KNOW = "dont_know"
    NONE_OF_THESE = "none_of_these"

    @classmethod
    def _labels(cls):
        return _OPTION_KIND_LABELS


_OPTION_KIND_LABELS = {
    OptionKind.REGULAR: _l("Option"),
    OptionKind.DONT_KNOW: _l("I do not know"),
    OptionKind.NONE_OF_THESE: _l("None of these"),
}
# Options that exclude any other choice on a multiple-choice question.
EXCLUSIVE_OPTION_KINDS = frozenset({OptionKind.DONT_KNOW, OptionKind.NONE_OF_THESE})


class ConsultationState(Vocabulary):
    """Where a consultation stands, from its opening and closing dates (not stored)."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def _labels(cls):
        return _CONSULTATION_STATE_LABELS


_CONSULTATION_STATE_LABELS = {
    ConsultationState.UPCOMING: _l("Not open yet"),
    ConsultationState.OPEN: _l("Open"),
    ConsultationState.CLOSED: _l("Closed"),
}


class ResultsVisibility(Vocabulary):
    """When the public sees a consultation's results."""

    LIVE = "live"
    AFTER_CLOSING = "after_closing"

    @classmethod
    def _labels(cls):
        return _RESULTS_VISIBILITY_LABELS


_RESULTS_VISIBILITY_LABELS = {
    ResultsVisibility.LIVE: _l("Live, while the consultation is open"),
    ResultsVisibility.AFTER_CLOSING: _l("Only after closing"),
}


class TextAnswerStatus(Vocabulary):
    """A free-text answer is read by a moderator before anyone sees it."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls):
        return _TEXT_ANSWER_STATUS_LABELS


_TEXT_ANSWER_STATUS_LABELS = {
    TextAnswerStatus.PENDING: _l("Waiting for moderation"),
    TextAnswerStatus.APPROVED: _l("Published"),
    TextAnswerStatus.REJECTED: _l("Not published"),
}


class ConsultationEventKind(Vocabulary):
    """What the consultation log records: every official's and moderator's action."""

    CREATE = "create"
    EDIT = "edit"
    ADD_QUESTION = "add_question"
    REMOVE_QUESTION = "remove_question"
    MOVE_CLOSING = "move_closing"
    APPROVE_TEXT = "approve_text"
    REJECT_TEXT = "reject_text"

    @classmethod
    def _labels(cls):
        return _CONSULTATION_EVENT_LABELS


_CONSULTATION_EVENT_LABELS = {
    ConsultationEventKind.CREATE: _l("Consultation created"),
    ConsultationEventKind.EDIT: _l("Consultation edited"),
    ConsultationEventKind.ADD_QUESTION: _l("Question added"),
    ConsultationEventKind.REMOVE_QUESTION: _l("Question removed"),
    ConsultationEventKind.MOVE_CLOSING: _l("Closing date moved"),
    ConsultationEventKind.APPROVE_TEXT: _l("Free-text answer published"),
    ConsultationEventKind.REJECT_TEXT: _l("Free-text answer not published"),
}


# --- Permissions --------------------------------------------------------------------


class Denial(Vocabulary):
    """Why a permission verb said no. Its label is the one message a person reads."""

    ANONYMOUS = "anonymous"
    UNCONFIRMED = "unconfirmed"
    SUSPENDED = "suspended"
    BANNED = "banned"
    DELETED = "deleted"
    NOT_STAFF = "not_staff"
    NOT_RESPONDER = "not_responder"
    NOT_ADMIN = "not_admin"
    NOT_AUTHOR = "not_author"
    OWN_IDEA = "own_idea"
    OWN_CONTENT = "own_content"
    OWN_ACCOUNT = "own_account"
    PROTECTED_ACCOUNT = "protected_account"
    NOT_VISIBLE = "not_visible"
    SUPPORTS_CLOSED = "supports_closed"
    COMMENTS_CLOSED = "comments_closed"
    LOCKED = "locked"
    EDIT_WINDOW_PASSED = "edit_window_passed"
    WRONG_STATE = "wrong_state"
    WRONG_PASSWORD = "wrong_password"
    NOT_RESIDENT = "not_resident"
    SUBMISSION_CLOSED = "submission_closed"
    REVIEW_CLOSED = "review_closed"
    VOTING_CLOSED = "voting_closed"
    NOT_COUNTABLE = "not_countable"
    CONSULTATION_NOT_OPEN = "consultation_not_open"
    CONSULTATION_CLOSED = "consultation_closed"
    ALREADY_ANSWERED = "already_answered"
    OUTSIDE_SCOPE = "outside_scope"
    CONSULTATION_LOCKED = "consultation_locked"
    RESULTS_NOT_YET = "results_not_yet"

    @classmethod
    def _labels(cls):
        return _DENIAL_LABELS


_DENIAL_LABELS = {
    Denial.ANONYMOUS: _l("Please log in to continue."),
    Denial.UNCONFIRMED: _l(
        "Please confirm your email address first: follow the link we sent you, "
        "or ask for a new one on your account page."
    ),
    Denial.SUSPENDED: _l("Your account is suspended: you cannot take part for now."),
    Denial.BANNED: _l("Your account has been banned by the moderators. You can no longer log in."),
    Denial.DELETED: _l("This account has been deleted."),
    Denial.NOT_STAFF: _l("Only moderators can do this."),
    Denial.NOT_RESPONDER: _l("Only officials can do this."),
    Denial.NOT_ADMIN: _l("Only administrators can do this."),
    Denial.NOT_AUTHOR: _l("Only the author can do this."),
    Denial.OWN_IDEA: _l("You cannot support your own idea."),
    Denial.OWN_CONTENT: _l("You cannot do this on your own contribution."),
    Denial.OWN_ACCOUNT: _l("You cannot do this on your own account."),
    Denial.PROTECTED_ACCOUNT: _l("You cannot act on this account."),
    Denial.NOT_VISIBLE: _l("This page does not exist."),
    Denial.SUPPORTS_CLOSED: _l("This idea no longer takes supports."),
    Denial.COMMENTS_CLOSED: _l("Comments are closed on this idea."),
    Denial.LOCKED: _l(
        "This idea can no longer be edited: once someone else supports it or an "
        "official answers it, its text stays as they read it. You can still "
        "withdraw it, or explain a change in a comment."
    ),
    Denial.EDIT_WINDOW_PASSED: _l(
        "A comment can be changed during 15 minutes after it is posted. "
        "You can still delete it and write a new one."
    ),
    Denial.WRONG_STATE: _l("This is no longer possible."),
    Denial.WRONG_PASSWORD: _l("Your password is not correct."),
    Denial.NOT_RESIDENT: _l(
        "Only residents of this municipality can vote in this round. Residence is the "
        "municipality you declared on your account page: it is declared, not verified."
    ),
    Denial.SUBMISSION_CLOSED: _l("Projects can only be proposed during the submission phase."),
    Denial.REVIEW_CLOSED: _l("Projects can no longer be reviewed once voting has opened."),
    Denial.VOTING_CLOSED: _l("Voting is not open in this round: see its dates."),
    Denial.NOT_COUNTABLE: _l("The votes can be counted once, after voting has closed."),
    Denial.CONSULTATION_NOT_OPEN: _l("This consultation is not open yet."),
    Denial.CONSULTATION_CLOSED: _l("This consultation is closed: answers are no longer accepted."),
    Denial.ALREADY_ANSWERED: _l(
        "You have already answered this consultation. Each resident answers once."
    ),
    Denial.OUTSIDE_SCOPE: _l(
        "This consultation is for the residents of one municipality. If you live there, "
        "choose it on your account page."
    ),
    Denial.CONSULTATION_LOCKED: _l(
        "Someone has already answered this consultation: its questions stay as they read "
        "them. Only the closing date can still move."
    ),
    Denial.RESULTS_NOT_YET: _l("The results will be published when the consultation closes."),
}


class OutboxStatus(Vocabulary):
    """Where an outgoing email stands (participation/jobs.py)."""

    PENDING = "pending"  # waiting to be sent (again, after a failure: at next_attempt_at)
    CLAIMED = "claimed"  # taken by a worker, not attempted yet
    SENDING = "sending"  # handed to the mail server right now
    SENT = "sent"
    FAILED = "failed"  # given up (refused, too many attempts, or interrupted mid-send)
    CANCELLED = "cancelled"  # nothing to send any more (the account was deleted)

    @classmethod
    def _labels(cls):
        return _OUTBOX_STATUS_LABELS


_OUTBOX_STATUS_LABELS = {
    OutboxStatus.PENDING: _l("waiting"),
    OutboxStatus.CLAIMED: _l("taken by a worker"),
    OutboxStatus.SENDING: _l("being sent"),
    OutboxStatus.SENT: _l("sent"),
    OutboxStatus.FAILED: _l("failed"),
    OutboxStatus.CANCELLED: _l("cancelled"),
}
