"""Object permissions on grants (the `rules` library).

- A team (the members of the proposal's organisation) sees only its own grant, its reports,
  expenses, receipts and tranches, and writes its reports while they are open.
- Staff see and manage everything.

`grants.view_grant`, `grants.view_report`, `grants.view_expense` (the receipts' private file view)
and `grants.view_tranche` take the object; `grants.manage_grants` takes none.
"""
import rules

from projects.rules import _member_org_ids
from tsf.accounts.rules import is_staff_member

from .models import Expense, Grant, GrantBudgetLine, GrantStatus, Report, ReportStatus, Tranche


def grant_of(obj):
    if isinstance(obj, Grant):
        return obj
    if isinstance(obj, Report | Tranche | GrantBudgetLine):
        return obj.grant
    if isinstance(obj, Expense):
        return obj.report.grant
    return None


@rules.predicate
def is_grant_team(user, obj):
    grant = grant_of(obj)
    if not user.is_authenticated or grant is None:
        return False
    return grant.proposal.organisation_id in _member_org_ids(user)


@rules.predicate
def report_is_open(user, report):
    return (isinstance(report, Report)
            and report.status in (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)
            and report.grant.status in (GrantStatus.SIGNED, GrantStatus.ACTIVE))


can_view = is_grant_team | is_staff_member

rules.add_perm("grants.view_grant", can_view)
rules.add_perm("grants.view_report", can_view)
rules.add_perm("grants.view_expense", can_view)
rules.add_perm("grants.view_tranche", can_view)
rules.add_perm("grants.view_grantbudgetline", can_view)
rules.add_perm("grants.change_report", is_grant_team & report_is_open)
rules.add_perm("grants.review_report", is_staff_member)
rules.add_perm("grants.manage_grants", is_staff_member)
