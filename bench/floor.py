"""The floor of a signed-in support POST, and of a signed-in page, on this
stack, served by bench/run.py beside hello-world and the platform, with the
same gunicorn settings.

It is the least a support can cost with the libraries the product fixes:
Flask, Flask-Login (the session cookie, the visitor loaded by id through the
ORM), Flask-WTF's CSRF check, Flask-SQLAlchemy, and the platform's own write
on the platform's own database: `SELECT add_support(...)` (or
`remove_support`) in autocommit on PostgreSQL; on SQLite the insert (or the
delete) and the read of the new count, in one transaction. It answers JSON.

It leaves out what the platform does on top: the idea read and the
permission checks, the rate limiter, the page cache's version, compression,
the security headers, translated messages. So platform / floor says how
much of the cost is the platform's own, and floor / hello how far the
stack alone stays from hello-world.

Its URLs are the platform's (/en/ideas/<id>/support and /unsupport), so the
same wrk scripts drive both. Sign in with POST /login (email, password).

Any other GET is the floor of a signed-in page: the session cookie, the
visitor loaded through the ORM, and their address as the answer (401 for a
visitor who is not signed in). It is the least a page that knows its visitor
costs here, before any query or template of the page itself.
"""

from __future__ import annotations

import os

from flask import Flask, abort, jsonify, request
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from markupsafe import escape
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.models.base import utcnow
from participation.services.passwords import verify_password

# The platform's own statements for a support, not a copy of them (see
# participation/services/supports.py): the floor writes what the platform writes.
from participation.services.supports import (
    _COUNT,
    _DELETE,
    _PG_ADD,
    _PG_REMOVE,
    _SQLITE_INSERT,
)

DATABASE_URL = os.environ["DATABASE_URL"]
POSTGRESQL = DATABASE_URL.startswith("postgresql")

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-floor"),
    SQLALCHEMY_DATABASE_URI=DATABASE_URL,
    # One statement per write on PostgreSQL: no BEGIN or COMMIT round trip.
    SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "AUTOCOMMIT"} if POSTGRESQL else {},
)
db = SQLAlchemy(app)
csrf = CSRFProtect(app)
login_manager = LoginManager(app)


class User(db.Model, UserMixin):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@app.get("/")
def index():
    return "floor"


@app.get("/<path:page>")
def signed_in_page(page: str):
    if not current_user.is_authenticated:
        abort(401)
    return f"<p>{escape(current_user.email)}</p>"


@app.post("/login")
@csrf.exempt
def login():
    email, password = request.form.get("email", ""), request.form.get("password", "")
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None or not verify_password(user.password_hash, password):
        abort(403)
    login_user(user)
    return generate_csrf()


@app.post("/en/ideas/<int:idea_id>/<any(support, unsupport):verb>")
def support(idea_id: int, verb: str):
    if not current_user.is_authenticated:
        abort(401)
    adding = verb == "support"
    params = {"idea_id": idea_id, "user_id": current_user.id}
    if adding:
        params["now"] = utcnow()
    if POSTGRESQL:
        count = db.session.execute(_PG_ADD if adding else _PG_REMOVE, params).scalar()
    else:
        if adding:
            changed = db.session.execute(_SQLITE_INSERT, params).scalar() is not None
        else:
            changed = db.session.execute(_DELETE, params).rowcount == 1
        count = db.session.execute(_COUNT, params).scalar() if changed else None
    db.session.commit()
    return jsonify(supported=verb == "support", changed=count is not None, support_count=count)
