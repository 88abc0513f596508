"""Notifications: in-app and by email, in the recipient's language.

Other services call notify() when something happens that someone must be told.
"""

from __future__ import annotations

from typing import Any


def notify(recipient: Any, kind: str, idea: Any = None, comment: Any = None, **data: Any) -> None:
    """Tell `recipient` about an event of `kind` (see KINDS once implemented).

    Placeholder until the notifications work lands: it records nothing yet.
    """
    return None
