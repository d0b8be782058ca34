"""Editors and staff compose and send issues; staff see the subscribers and export them."""
import rules

from tsf.accounts.rules import is_editor, is_staff_member

rules.add_perm("newsletter.compose_issue", is_editor | is_staff_member)
rules.add_perm("newsletter.view_subscribers", is_staff_member)
