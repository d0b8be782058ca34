"""Who may do what with a data request, per request (django-rules), asked by the pages and the services.

- The log of data requests and a request's page: staff.
- The copy of one's data: its owner, when they asked for it in the portal; staff, only when a staff member
  recorded the request (it came by PEC, e-mail or letter, and the staff send the file). A copy a person
  made for themselves is never opened by staff.
- Deciding on a request to close an account: staff, never on their own account, once.
"""
import rules

from tsf.accounts.rules import is_staff_member


@rules.predicate
def owns_request(user, req):
    return req is not None and user.is_authenticated and req.user_id == user.pk


@rules.predicate
def recorded_by_staff(user, req):
    return req is not None and req.recorded_by_id is not None


@rules.predicate
def is_copy_ready(user, req):
    return req is not None and req.kind == "access" and req.downloadable


@rules.predicate
def is_pending_erasure(user, req):
    return req is not None and req.kind == "erasure" and req.status == "pending"


rules.add_perm("privacy.view_requests", is_staff_member)
rules.add_perm("privacy.record_request", is_staff_member)
rules.add_perm("privacy.download_copy",
               is_copy_ready & ((owns_request & ~recorded_by_staff) | (is_staff_member & recorded_by_staff)))
rules.add_perm("privacy.decide_erasure", is_staff_member & is_pending_erasure & ~owns_request)
