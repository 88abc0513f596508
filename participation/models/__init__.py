"""Models, one module per area of the domain."""

from participation.models.accounts import ROLES, User
from participation.models.ideas import Challenge, Comment, Idea, IdeaRevision, Support
from participation.models.moderation import ModerationAction, Report
from participation.models.notifications import EmailPreference, Notification
from participation.models.officials import OfficialStatusChange
from participation.models.outbox import OutboxMessage
from participation.models.places import Municipality

__all__ = [
    "ROLES",
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
__all__ += ["OutboxMessage"]
