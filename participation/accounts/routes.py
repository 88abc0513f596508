"""Thin views: parse the form, check permission, call the service, commit, redirect."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from participation.accounts import bp
from participation.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmActionForm,
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from participation.extensions import limiter
from participation.security import safe_next
from participation.services import DomainError
from participation.services import accounts as service
from participation.vocabulary import Denial
from participation.web import transaction


def _limit(name: str, key_func=None):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"], key_func=key_func)


def _address_and_account() -> str:
    """Rate-limit key for login: the client's address and the account tried."""
    from participation.extensions import rate_limit_key

    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{rate_limit_key()}|{email}"


def _invalid(template: str, **context):
    """Re-render a form that did not validate, with what the user typed, as a 400."""
    return render_template(template, **context), 400


@bp.route("/register", methods=["GET", "POST"])
@_limit("RATE_LIMIT_REGISTER")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = request.args.get("language") or _current_lang()
    if not form.validate_on_submit():
        return (
            _invalid("accounts/register.html", form=form)
            if form.is_submitted()
            else (render_template("accounts/register.html", form=form))
        )
    with transaction(form) as outcome:
        result = service.register(
            form.email.data,
            form.display_name.data,
            form.password.data,
            form.language.data,
            form.municipality.data,
            rules_accepted=bool(form.accept_rules.data),
        )
        if result.user is not None:
            service.queue_confirmation(result.user)
        else:
            # Never tell the visitor that the address is known: tell its owner.
            service.queue_already_registered(result.existing)
    if outcome.failed:
        return _invalid("accounts/register.html", form=form)
    return render_template("accounts/check_email.html", email=form.email.data)


def _token_error(error: DomainError):
    return (
        render_template("accounts/token_error.html", message=error.message, kind=error.code),
        400,
    )


def _current_lang() -> str:
    from participation.i18n import current_language

    return current_language()


@bp.route("/confirm/<token>")
def confirm(token: str):
    with transaction(flash_errors=False) as outcome:
        user = service.confirm_email(token)
    if outcome.error is not None:
        return _token_error(outcome.error)
    flash(_("Thank you: your email address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@bp.route("/confirm/resend", methods=["GET", "POST"])
@_limit("RATE_LIMIT_RESEND")
def resend_confirmation():
    form = EmailForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if not form.validate_on_submit():
        if form.is_submitted():
            return _invalid("accounts/resend.html", form=form)
        return render_template("accounts/resend.html", form=form)
    user = service.find_by_email(form.email.data)
    if user is not None and not user.is_deleted and not user.is_confirmed:
        with transaction():
            service.queue_confirmation(user)
    return render_template("accounts/check_email.html", email=form.email.data)


@bp.route("/login", methods=["GET", "POST"])
@_limit("RATE_LIMIT_LOGIN", key_func=_address_and_account)
@_limit("RATE_LIMIT_LOGIN_PER_ADDRESS")
def login():
    next_url = safe_next(request.args.get("next"), url_for("main.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _invalid("accounts/login.html", form=form)
        return render_template("accounts/login.html", form=form)
    with transaction(form) as outcome:
        user = service.log_in(form.email.data, form.password.data)
    if outcome.failed:
        refused = outcome.error.code in (Denial.BANNED, Denial.SUSPENDED)
        return render_template("accounts/login.html", form=form), 403 if refused else 400
    login_user(user, remember=form.remember.data)
    flash(_("Welcome, %(name)s.", name=user.display_name), "success")
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmActionForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/reset", methods=["GET", "POST"])
@_limit("RATE_LIMIT_RESET")
def reset_request():
    form = EmailForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _invalid("accounts/reset_request.html", form=form)
        return render_template("accounts/reset_request.html", form=form)
    user = service.find_by_email(form.email.data)
    if user is not None and not user.is_deleted:
        with transaction():
            service.queue_reset(user)
    return render_template("accounts/check_email.html", email=form.email.data, reset=True)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_limit("RATE_LIMIT_RESET")
def reset_password(token: str):
    with transaction(flash_errors=False) as outcome:
        service.user_for_reset_token(token)
    if outcome.error is not None:
        return _token_error(outcome.error)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _invalid("accounts/reset_password.html", form=form)
        return render_template("accounts/reset_password.html", form=form)
    with transaction(form) as outcome:
        service.reset_password(token, form.password.data)
    if outcome.failed:
        return _invalid("accounts/reset_password.html", form=form)
    logout_user()
    flash(_("Your password has been changed. You can now log in."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.municipality.data = current_user.municipality_id
    context = {
        "form": form,
        "email_form": ChangeEmailForm(formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "resend_form": ConfirmActionForm(),
    }
    if request.method == "GET":
        return render_template("accounts/profile.html", **context)
    if not form.validate_on_submit():
        return _invalid("accounts/profile.html", **context)
    with transaction(form) as outcome:
        service.update_profile(
            current_user, form.display_name.data, form.language.data, form.municipality.data
        )
    if outcome.failed:
        return _invalid("accounts/profile.html", **context)
    # The next page is in the newly chosen language: so is the message.
    with force_locale(current_user.language):
        flash(_("Your profile has been saved."), "success")
    return redirect(url_for("accounts.profile", lang_code=current_user.language))


@bp.route("/email", methods=["POST"])
@login_required
@_limit("RATE_LIMIT_RESEND")
def change_email():
    email_form = ChangeEmailForm()
    if not email_form.validate_on_submit():
        return _invalid(
            "accounts/profile.html",
            form=_profile_form(),
            email_form=email_form,
            password_form=ChangePasswordForm(formdata=None),
            resend_form=ConfirmActionForm(),
        )
    with transaction(email_form) as outcome:
        new_email = service.request_email_change(current_user, email_form.email.data)
        if new_email:
            service.queue_confirmation(current_user, new_email)
    if outcome.failed:
        return _invalid(
            "accounts/profile.html",
            form=_profile_form(),
            email_form=email_form,
            password_form=ChangePasswordForm(formdata=None),
            resend_form=ConfirmActionForm(),
        )
    if new_email:
        flash(
            _(
                "We have sent a confirmation link to %(email)s. Your new address will be used "
                "once you follow it.",
                email=new_email,
            ),
            "info",
        )
    return redirect(url_for("accounts.profile"))


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    password_form = ChangePasswordForm()
    context = {
        "form": _profile_form(),
        "email_form": ChangeEmailForm(formdata=None),
        "password_form": password_form,
        "resend_form": ConfirmActionForm(),
    }
    if not password_form.validate_on_submit():
        return _invalid("accounts/profile.html", **context)
    with transaction(password_form) as outcome:
        service.change_password(
            current_user, password_form.current_password.data, password_form.password.data
        )
    if outcome.failed:
        return _invalid("accounts/profile.html", **context)
    login_user(current_user)  # keep this session: the token changed
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("accounts.profile"))


def _profile_form() -> ProfileForm:
    form = ProfileForm(formdata=None, obj=current_user)
    form.municipality.data = current_user.municipality_id
    return form


@bp.route("/resend", methods=["POST"])
@login_required
@_limit("RATE_LIMIT_RESEND")
def resend_mine():
    form = ConfirmActionForm()
    if form.validate_on_submit() and not current_user.is_confirmed:
        with transaction():
            service.queue_confirmation(current_user)
        flash(_("We have sent you a new confirmation link."), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/data")
@login_required
def download_data():
    data = service.export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-participation-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _invalid("accounts/delete.html", form=form)
        return render_template("accounts/delete.html", form=form)
    with transaction(form) as outcome:
        service.delete_account(current_user, form.password.data)
    if outcome.failed:
        return _invalid("accounts/delete.html", form=form)
    logout_user()
    flash(_("Your account has been deleted. Thank you for taking part."), "success")
    # Stay in the language of this page: the message above is in it.
    return redirect(url_for("main.home"))
