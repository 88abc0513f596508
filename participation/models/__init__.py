"""Models, one module per area of the domain."""

from participation.models.accounts import ROLES, User
from participation.models.ideas import Challenge, Comment, Idea, IdeaRevision, Support
from participation.models.places import Municipality

__all__ = ["ROLES", "Challenge", "Comment", "Idea", "IdeaRevision", "Municipality", "Support", "User"]
