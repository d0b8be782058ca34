"""Every URL pattern of the portal, and how to fill its arguments with someone else's objects."""
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

ADMIN_NAMESPACE = "admin"


def walk(patterns=None, namespace=None):
    """Yield (full name, pattern) for every named pattern, descending into includes."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(p.url_patterns, full)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {p.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), p


def all_url_names():
    return sorted({name for name, _p in walk()})


def portal_url_names():
    """Every name except the Django admin's own (one rule covers its whole namespace)."""
    return [n for n in all_url_names() if not n.startswith(ADMIN_NAMESPACE + ":")]


def admin_url_names():
    return [n for n in all_url_names() if n.startswith(ADMIN_NAMESPACE + ":")]


def url_kwargs(o):
    """URL name -> kwargs, taken from the world's objects (o). Objects belong to the victim team or to
    nobody the sweep plays."""
    v = o.victim
    return {
        "core:private_file": {"app_label": "projects", "model_name": "attachment", "pk": o.attachment.pk, "field": "file"},
        "core:page": {"name": "privacy"},
        "core:kept_upload": {"token": o.kept_token},
        "privacy:copy_download": {"pk": o.data_request.pk},
        "privacy:request": {"pk": o.data_request.pk},
        "privacy:staff_copy_download": {"pk": o.data_request.pk},
        "accessibility:thread": {"token": "not-a-real-token"},
        "accessibility:staff_detail": {"pk": o.feedback.pk},
        "newsletter:confirm": {"token": "not-a-real-token"},
        "newsletter:unsubscribe": {"token": "not-a-real-token"},
        "newsletter:issue": {"pk": o.issue.pk},
        "newsletter:issue_preview": {"pk": o.issue.pk},
        "newsletter:issue_test": {"pk": o.issue.pk},
        "newsletter:issue_send": {"pk": o.issue.pk},
        "accounts:person_roles": {"pk": o.victim_member.pk},
        "account_confirm_email": {"key": "MQ:not-a-real-key"},
        "account_reset_password_from_key": {"uidb36": "2", "key": "not-a-real-key"},
        "notifications:open": {"pk": o.notification.pk},
        "calls:staff_edit": {"slug": o.open_call.slug},
        "calls:detail": {"slug": o.open_call.slug},
        "projects:organisation": {"pk": o.victim_org.pk},
        "projects:organisation_edit": {"pk": o.victim_org.pk},
        "projects:member_remove": {"pk": o.victim_org.pk, "member_pk": o.membership.pk},
        "projects:invitation": {"token": "not-a-real-token"},
        "projects:start": {"slug": o.open_call.slug},
        "projects:proposal": {"pk": v.pk},
        "projects:step": {"pk": v.pk, "step": "project"},
        "projects:attachment_delete": {"pk": v.pk, "attachment_pk": o.attachment.pk},
        "projects:submit": {"pk": v.pk},
        "projects:withdraw": {"pk": v.pk},
        "projects:receipt": {"pk": v.pk},
        "projects:receipt_pdf": {"pk": v.pk},
        "projects:public_detail": {"slug": "not-published-yet"},
        "projects:staff_public_page": {"pk": v.pk},
        "projects:staff_public_publication": {"pk": v.pk},
        "projects:staff_proposals": {"slug": o.old_call.slug},
        "projects:staff_admissibility_list": {"slug": o.old_call.slug},
        "projects:staff_admissibility_list_pdf": {"slug": o.old_call.slug, "number": 1},
        "projects:staff_proposal": {"pk": v.pk},
        "projects:staff_admissibility": {"pk": v.pk},
        "assessment:call_rounds": {"call_pk": o.old_call.pk},
        "assessment:round_create": {"call_pk": o.old_call.pk},
        "assessment:round": {"pk": o.round.pk},
        "assessment:round_setup": {"pk": o.round.pk},
        "assessment:assignments": {"pk": o.round.pk},
        "assessment:unassign": {"pk": o.assignment.pk},
        "assessment:reopen": {"pk": o.assignment.pk},
        "assessment:ranking": {"pk": o.round.pk},
        "assessment:decide": {"pk": o.round.pk},
        "assessment:minutes": {"pk": o.round.pk},
        "assessment:publish": {"pk": o.round.pk},
        "assessment:close": {"pk": o.round.pk},
        "assessment:declare": {"pk": o.assignment.pk},
        "assessment:score": {"pk": o.assignment.pk},
        "assessment:outcome": {"proposal_pk": v.pk},
        "assessment:public_ranking": {"call_pk": o.old_call.pk},
        "incubation:cohort": {"pk": o.lab.pk},
        "incubation:lab_edit": {"pk": o.lab.pk},
        "incubation:tutors": {"pk": o.lab.pk},
        "incubation:workshop": {"pk": o.workshop.pk},
        "incubation:session_edit": {"pk": o.session.pk},
        "incubation:deliverable_edit": {"pk": o.deliverable.pk},
        "incubation:session_attendance": {"pk": o.session.pk},
        "incubation:progress": {"workshop_pk": o.workshop.pk, "pk": v.pk},
        "incubation:submission_review": {"pk": o.submission.pk},
        "incubation:team": {"pk": v.pk},
        "incubation:team_calendar": {"pk": v.pk},
        "incubation:deliverable_upload": {"pk": v.pk, "deliverable_pk": o.deliverable.pk},
        "incubation:revised": {"pk": v.pk},
        "incubation:revised_step": {"pk": v.pk, "step": "project"},
        "incubation:diff": {"pk": v.pk},
        "grants:award": {"item_pk": o.item.pk},
        "grants:detail": {"pk": o.grant.pk},
        "grants:agreement_pdf": {"pk": o.grant.pk},
        "grants:budget": {"pk": o.grant.pk},
        "grants:sign": {"pk": o.grant.pk},
        "grants:tranches": {"pk": o.grant.pk},
        "grants:close": {"pk": o.grant.pk},
        "grants:revoke": {"pk": o.grant.pk},
        "grants:pay": {"pk": o.tranche.pk},
        "grants:report": {"pk": o.report.pk},
        "grants:report_edit": {"pk": o.report.pk},
        "grants:project": {"cup": o.grant.cup},
        "acceleration:camp": {"pk": o.camp.pk},
        "acceleration:camp_ics": {"pk": o.camp.pk},
        "acceleration:camp_register": {"pk": o.camp.pk},
        "acceleration:camp_staff": {"pk": o.camp.pk},
        "acceleration:camp_pitches": {"pk": o.camp.pk},
        "acceleration:camp_pitches_edit": {"pk": o.camp.pk},
        "acceleration:camp_edit": {"pk": o.camp.pk},
        "acceleration:camp_new": {"programme_pk": o.camp.programme_id},
        "acceleration:agenda_delete": {"pk": o.camp.agenda.order_by("pk").first().pk},
        "acceleration:programme_edit": {"pk": o.camp.programme_id},
        "acceleration:registration_decide": {"pk": o.registration.pk},
        "acceleration:pitch": {"pk": o.pitch.pk},
        "acceleration:pitch_feedback": {"pk": o.pitch.pk},
        "acceleration:help_detail": {"pk": o.help.pk},
        "acceleration:help_action": {"pk": o.help.pk},
        "acceleration:slot_book": {"pk": o.slot.pk},
        "acceleration:slot_cancel": {"pk": o.slot.pk},
        "acceleration:improvement": {"pk": o.not_funded.pk},
        "acceleration:improvement_action": {"pk": o.not_funded.pk, "action_pk": o.action.pk},
        "acceleration:opportunity": {"pk": o.opportunity.pk},
        "acceleration:opportunity_edit": {"pk": o.opportunity.pk},
        "acceleration:opportunity_publish": {"pk": o.opportunity.pk},
        "blog:category": {"slug": o.category.slug},
        "blog:tag": {"slug": o.tag.slug},
        "blog:manage_edit": {"pk": o.draft_post.pk},
        "blog:manage_preview": {"pk": o.draft_post.pk},
        "blog:manage_publication": {"pk": o.draft_post.pk},
        "blog:manage_delete": {"pk": o.draft_post.pk},
        "blog:post": {"slug": o.published_post.slug},
        "spid:test_idp_metadata": {"provider": "spid"},
        "spid:test_idp_sso": {"provider": "spid"},
        "spid:test_idp_confirm": {"provider": "cie"},
        "spid:test_idp_slo": {"provider": "cie"},
    }


# Names that cannot be reversed by name: their path is given directly.
RAW_PATHS = {
    "<unnamed ^media/(?P<path>.*)$>": "/media/projects/not-public.pdf",
}


def path_for(name, kwargs_by_name, language="it"):
    if name in RAW_PATHS:
        return RAW_PATHS[name]
    with translation.override(language):
        return reverse(name, kwargs=kwargs_by_name.get(name))


def admin_path(name, language="it"):
    """Admin URLs with placeholder arguments: the admin login guards them all before any lookup."""
    if name.startswith(ADMIN_NAMESPACE + ":<unnamed"):
        return "/en/django-admin/not-a-page/" if language == "en" else "/django-admin/not-a-page/"
    pattern = dict(walk())[name]
    kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, "1")
    if "app_label" in kwargs:
        kwargs["app_label"] = "accounts"
    if "content_type_id" in kwargs:
        kwargs["object_id"] = "1"
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)
