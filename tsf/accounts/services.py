"""Changes to people and roles, audited."""
from django.db import transaction
from django.utils.translation import gettext as _

from tsf.core import audit, versioning

from .models import Role, RoleGrant


class RoleChangeError(Exception):
    """A change of roles was refused; the message is for the person."""


@transaction.atomic
def grant_role(user, role: str, *, by=None, note: str = "") -> bool:
    if role not in Role.values:
        raise ValueError(role)
    _, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": by})
    if created:
        audit.record(by, "role.grant", user, changes={"role": [None, role]}, note=note)
        user.clear_role_cache()
    return created


@transaction.atomic
def revoke_role(user, role: str, *, by=None, note: str = "") -> bool:
    deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        audit.record(by, "role.revoke", user, changes={"role": [role, None]}, note=note)
        user.clear_role_cache()
    return bool(deleted)


@transaction.atomic
def update_profile(form, *, by):
    """A person's own profile (name, language), from `ProfileForm`: refused with
    versioning.EditConflict (nothing saved) when it was saved in another tab after the form was
    loaded."""
    if form.instance.pk != getattr(by, "pk", None):
        raise PermissionError("a profile is changed by its owner")
    versioning.claim(form.instance, form.edit(), by=by, scope="profile")
    return form.save()


@transaction.atomic
def set_roles(user, roles, *, by, reason: str = "", edit=None) -> None:
    """Staff give a person exactly `roles` (People and roles): each change audited with the reason
    (required: nothing changes without it), and the person told which roles they were given or lost,
    in the portal and by e-mail. `edit` (RolesForm's versioning claim): refused with EditConflict,
    nothing changed, when another staff member saved this person's roles after the form was loaded."""
    from tsf.notifications.services import notify

    from .permissions import require_role

    require_role(by, Role.STAFF)
    versioning.claim(user, edit, by=by, scope="roles")
    user.clear_role_cache()
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(sorted(unknown))
    granted = sorted(wanted - set(user.held_roles))
    removed = sorted(set(user.held_roles) - wanted)
    reason = (reason or "").strip()
    if (granted or removed) and not reason:
        raise RoleChangeError(_("Give the reason for granting or removing a role."))
    for role in granted:
        grant_role(user, role, by=by, note=reason)
    for role in removed:
        revoke_role(user, role, by=by, note=reason)
    if granted or removed:
        from django.urls import reverse

        notify(user, "roles_changed", {
            "granted": [Role(r).label for r in granted], "removed": [Role(r).label for r in removed]},
            url=reverse("accounts:my_area"))
