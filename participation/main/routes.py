from __future__ import annotations

from datetime import date

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user

from config import EXAMPLE_CONTACTS
from participation.i18n import PREFIX, preferred_language
from participation.main import bp
from participation.pagecache import render_shared_blocks
from participation.permissions import COMMENT_EDIT_MINUTES
from participation.services import browse
from participation.services import consultations as consultation_service
from participation.services.privacy import retention_periods
from participation.vocabulary import OfficialStatus, Reason

HOME_LIST_SIZE = 5
# Open consultations shown on the home page, closing soonest first.
HOME_CONSULTATIONS = 3


@bp.route("/")
def root():
    """Send visitors to their language: saved preference, cookie, browser, French."""
    response = redirect(url_for("main.home", lang_code=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route(f"{PREFIX}/")
def home():
    """The open consultations, the challenges with their counts, the most supported
    and the newest ideas (four queries whatever the data). Its blocks are kept
    like a list page's (participation.pagecache), apart for visitors and for
    signed-in residents (who are not invited to create an account): a signed-in
    resident costs only the frame until something is written."""

    def build() -> tuple[dict, int]:
        return {
            "consultations": consultation_service.open_consultations(HOME_CONSULTATIONS),
            "challenges": browse.challenge_summaries(),
            "most_supported": browse.most_supported(HOME_LIST_SIZE),
            "newest": browse.newest(HOME_LIST_SIZE),
        }, 200

    return render_shared_blocks(
        "main/home.html", build, variant=bool(current_user.is_authenticated)
    )


@bp.route(f"{PREFIX}/about")
def about():
    return render_template("main/about.html")


# --- The pages a public service owes (issue 10, §4) ---------------------------


def _placeholders(*names: str) -> list[str]:
    """The settings among `names` still at their built-in example value."""
    return [name for name in names if current_app.config.get(name) == EXAMPLE_CONTACTS[name]]


@bp.route(f"{PREFIX}/privacy")
def privacy():
    """The privacy notice in the GDPR's terms; contacts and retention periods
    come from the configuration (the periods `flask privacy purge` enforces)."""
    config = current_app.config
    return render_template(
        "main/privacy.html",
        controller=config["PRIVACY_CONTROLLER"],
        controller_address=config["PRIVACY_CONTROLLER_ADDRESS"],
        dpo_email=config["PRIVACY_DPO_EMAIL"],
        placeholders=_placeholders(
            "PRIVACY_CONTROLLER", "PRIVACY_CONTROLLER_ADDRESS", "PRIVACY_DPO_EMAIL"
        ),
        retention=retention_periods(),
    )


@bp.route(f"{PREFIX}/rules")
def rules():
    """The participation rules: the moderation reasons are the vocabulary's
    (the category the system gives after several reports is explained apart)."""
    config = current_app.config
    return render_template(
        "main/rules.html",
        reasons=[reason for reason in Reason if reason != Reason.REPORTED],
        premoderation=config["IDEAS_PREMODERATION"],
        hide_threshold=config["REPORTS_HIDE_THRESHOLD"],
        contact_email=config["MODERATION_CONTACT_EMAIL"],
        placeholders=_placeholders("MODERATION_CONTACT_EMAIL"),
    )


@bp.route(f"{PREFIX}/how-ideas-are-answered")
def answers():
    """From proposal to official answer, with the figures of the configuration."""
    config = current_app.config
    return render_template(
        "main/answers.html",
        premoderation=config["IDEAS_PREMODERATION"],
        hide_threshold=config["REPORTS_HIDE_THRESHOLD"],
        per_page=config["IDEAS_PER_PAGE"],
        comment_edit_minutes=COMMENT_EDIT_MINUTES,
        official_statuses=list(OfficialStatus),
    )


@bp.route(f"{PREFIX}/accessibility")
def accessibility():
    """The accessibility statement (model of Implementing Decision (EU) 2018/1523)."""
    config = current_app.config
    return render_template(
        "main/accessibility.html",
        audit_date=date.fromisoformat(config["ACCESSIBILITY_AUDIT_DATE"]),
        contact_email=config["ACCESSIBILITY_CONTACT_EMAIL"],
        site_url=config["PUBLIC_BASE_URL"],
        placeholders=_placeholders("ACCESSIBILITY_CONTACT_EMAIL"),
    )
