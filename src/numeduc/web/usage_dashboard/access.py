"""Who may see a département's usage dashboard or a collège's usage page.

Kept next to the app (the shared ``accounts/permissions.py`` was being changed by others at the
time); the rules follow the same conventions and every view calls them on every object:

- coordinator: every département and collège;
- département editor and viewer: their own département's dashboard, collège pages and exports;
- school (principal): its own collège's page and export only (``User.college``);
- DAN: none — usage logs are the département's (it pays for and runs the ENT, devices and
  wifi of its collèges); the DAN sees the self-diagnosis results instead.
"""

from __future__ import annotations

from numeduc.web.accounts.models import Role
from numeduc.web.accounts.permissions import DEPARTEMENT_ROLES


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_view_usage_departement(user, departement) -> bool:
    if not _active(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role in DEPARTEMENT_ROLES and user.departement_id == departement.pk


def can_view_usage_college(user, college) -> bool:
    if not _active(user):
        return False
    if user.role == Role.SCHOOL:
        return user.college_id is not None and user.college_id == college.pk
    return can_view_usage_departement(user, college.departement)
