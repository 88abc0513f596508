"""Models, one module per area of the domain."""

from participation.models.accounts import ROLES, User
from participation.models.places import Municipality

__all__ = ["ROLES", "Municipality", "User"]
