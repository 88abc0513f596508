"""Models, one module per area of the domain."""

from participation.models.accounts import User
from participation.models.budgets import (
    BudgetBallot,
    BudgetBallotChoice,
    BudgetEvent,
    BudgetProject,
    BudgetRound,
)
from participation.models.ideas import Challenge, Comment, Idea, IdeaRevision, Support
from participation.models.moderation import ModerationAction, Report
from participation.models.notifications import EmailPreference, Notification
from participation.models.officials import OfficialStatusChange
from participation.models.outbox import OutboxMessage
from participation.models.places import Municipality

__all__ = [
    "Challenge",
    "Comment",
    "Idea",
    "IdeaRevision",
    "Municipality",
    "Support",
    "User",
]
__all__ += ["ModerationAction", "Report"]
__all__ += ["EmailPreference", "Notification", "OfficialStatusChange"]
__all__ += ["BudgetBallot", "BudgetBallotChoice", "BudgetEvent", "BudgetProject", "BudgetRound"]
from participation.models.consultations import (  # noqa: E402
    Consultation,
    ConsultationAnswer,
    ConsultationEvent,
    ConsultationOption,
    ConsultationParticipation,
    ConsultationQuestion,
    ConsultationResponse,
    ConsultationTally,
    ConsultationTextAnswer,
)

__all__ += [
    "Consultation",
    "ConsultationAnswer",
    "ConsultationEvent",
    "ConsultationOption",
    "ConsultationParticipation",
    "ConsultationQuestion",
    "ConsultationResponse",
    "ConsultationTally",
    "ConsultationTextAnswer",
]
__all__ += ["OutboxMessage"]
from participation.models.translations import IdeaTranslation  # noqa: E402

__all__ += ["IdeaTranslation"]
from participation.models.statistics import StatisticsSnapshot  # noqa: E402

__all__ += ["StatisticsSnapshot"]
