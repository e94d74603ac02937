"""Who may open the admin area: admins for instance-wide settings, moderators (and admins) for moderation."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def admin_required(view):
    """Signed-out visitors go to the login page; members who are not admins get 403."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def moderator_required(view):
    """Signed-out visitors go to the login page; members who are not moderators or admins get 403."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_moderator:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
