"""Who may do what with calls: staff manage them, everyone reads the published ones."""
import rules

from tsf.accounts.rules import is_staff_member


@rules.predicate
def is_published_call(user, call):
    return call is not None and call.is_published


rules.add_perm("calls.manage_call", is_staff_member)
rules.add_perm("calls.view_call", is_published_call | is_staff_member)
