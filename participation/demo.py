"""Demonstration data for a newcomer's machine. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from participation.extensions import db
from participation.models import User
from participation.models.base import utcnow
from participation.services.passwords import hash_password

DEMO_PASSWORD = "brussels-demo-2026"

DEMO_USERS = [
    ("admin@demo.brussels", "Admin Région", "admin", "fr"),
    ("moderator@demo.brussels", "Modératrice Sofia", "moderator", "fr"),
    ("official@demo.brussels", "Ambtenaar Pieter", "official", "nl"),
    ("amina@demo.brussels", "Amina", "citizen", "fr"),
    ("jan@demo.brussels", "Jan", "citizen", "nl"),
    ("sarah@demo.brussels", "Sarah", "citizen", "en"),
]


def ensure_user(email: str, name: str, role: str, language: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            display_name=name,
            role=role,
            language=language,
            password_hash=hash_password(DEMO_PASSWORD),
            email_confirmed_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    return user


def load() -> str:
    created = 0
    for email, name, role, language in DEMO_USERS:
        before = db.session.scalar(select(User.id).where(User.email == email))
        ensure_user(email, name, role, language)
        created += before is None
    return f"Demo data ready: {created} new accounts (password for all: {DEMO_PASSWORD})."
