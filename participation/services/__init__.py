"""Domain verbs. They take the actor as an argument, never touch request,
session or flash, and flush but never commit."""


class DomainError(Exception):
    """A rule of the domain was broken. `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
