"""Changes to people and roles, audited."""
from django.db import transaction

from tsf.core import audit

from .models import Role, RoleGrant


@transaction.atomic
def grant_role(user, role: str, *, by=None) -> bool:
    if role not in Role.values:
        raise ValueError(role)
    _, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": by})
    if created:
        audit.record(by, "role.grant", user, changes={"role": [None, role]})
        user.clear_role_cache()
    return created


@transaction.atomic
def revoke_role(user, role: str, *, by=None) -> bool:
    deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        audit.record(by, "role.revoke", user, changes={"role": [role, None]})
        user.clear_role_cache()
    return bool(deleted)


@transaction.atomic
def set_roles(user, roles, *, by=None) -> None:
    wanted = set(roles)
    for role in wanted - set(user.held_roles):
        grant_role(user, role, by=by)
    for role in set(user.held_roles) - wanted:
        revoke_role(user, role, by=by)
