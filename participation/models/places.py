"""The 19 municipalities of the Brussels-Capital Region (rows created by a migration)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.extensions import db


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nis_code: Mapped[str] = mapped_column(String(5), unique=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_fr: Mapped[str] = mapped_column(String(60))
    name_nl: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80))

    def name(self, locale: str | None = None) -> str:
        if locale is None:
            from participation.i18n import current_language

            locale = current_language()
        return {"fr": self.name_fr, "nl": self.name_nl}.get(locale, self.name_en)

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"
