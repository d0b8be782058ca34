"""Permission predicates about roles, used by every app's rules."""
import rules


@rules.predicate
def is_staff_member(user):
    return user.is_authenticated and user.has_role("staff")


@rules.predicate
def is_promoter(user):
    return user.is_authenticated and user.has_role("promoter")


@rules.predicate
def is_tutor(user):
    return user.is_authenticated and user.has_role("tutor")


@rules.predicate
def is_assessor(user):
    return user.is_authenticated and user.has_role("assessor")


@rules.predicate
def is_mentor(user):
    return user.is_authenticated and user.has_role("mentor")


@rules.predicate
def is_editor(user):
    return user.is_authenticated and user.has_role("editor")


rules.add_perm("accounts.manage_roles", is_staff_member)
rules.add_perm("core.view_auditentry", is_staff_member)
