from allauth.account.decorators import reauthentication_required
from allauth.account.views import password_change as allauth_password_change
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from tsf.core.exports import export_response
from tsf.core.i18n import language_of
from tsf.core.pagecache import private_page_cache
from tsf.core.versioning import EditConflict

from . import my_area as my_area_registry
from . import services
from .forms import ProfileForm, RolesForm
from .models import Role, User
from .permissions import has_mfa, staff_required


@login_required
@private_page_cache
def my_area(request):
    user = request.user
    panels = my_area_registry.panels_for(request)
    enrolled = has_mfa(user)
    role_labels = [Role(r).label for r in Role.values if r in user.held_roles]
    return render(
        request,
        "accounts/my_area.html",
        {"panels": panels, "needs_mfa": bool(user.gated_roles) and not enrolled,
         "needs_mfa_code": bool(user.gated_roles) and enrolled, "has_mfa": enrolled, "role_labels": role_labels},
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.update_profile(form, by=request.user)
        except EditConflict as exc:  # saved in another tab meanwhile: nothing applied
            form.show_conflict(exc)
        else:
            # a new preferred language applies at once: the profile again, in that language
            lang = language_of(user) if "language" in form.changed_data else translation.get_language()
            with translation.override(lang):
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@staff_required
def people(request):
    qs = User.objects.prefetch_related("role_grants").order_by("full_name", "email")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    if role in Role.values:
        qs = qs.filter(role_grants__role=role)
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = [_("Full name"), _("E-mail"), _("Roles"), _("Active"), _("Joined")]
        rows = (
            (u.full_name, u.email, ", ".join(sorted(u.held_roles)), u.is_active, u.date_joined)
            for u in qs
        )
        return export_response(request.GET["format"], "people", headers, rows)
    page_obj = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page_obj": page_obj, "q": q, "role": role, "roles": Role.choices})


@staff_required
@reauthentication_required(allow_get=True)
def person_roles(request, pk):
    """Granting or removing roles: staff confirm who they are first (allauth's re-authentication, if
    not done in the last minutes); the roles they ticked are then saved, and the person is told."""
    person = get_object_or_404(User, pk=pk)
    form = RolesForm(request.POST or None, initial={"roles": sorted(person.held_roles)}, edit_object=person)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["roles"])
        if person == request.user and Role.STAFF not in wanted:
            form.add_error("roles", _("You cannot remove your own staff role: ask another staff member."))
        else:
            try:
                services.set_roles(person, wanted, by=request.user, reason=form.cleaned_data["reason"],
                                   edit=form.edit())
            except EditConflict as exc:  # another staff member saved these roles meanwhile
                form.show_conflict(exc)
            except services.RoleChangeError as exc:
                form.add_error("reason", str(exc))
            else:
                messages.success(request, _("The roles of %(name)s have been saved.") % {"name": person})
                return redirect("accounts:people")
    return render(request, "accounts/person_roles.html", {"person": person, "form": form})


# Changing the password: allauth's form asks for the current password every time; a person who uses
# TOTP first confirms with password and code (allauth's re-authentication, before anything is typed, so
# no password waits in the session). Served at allauth's own address (tsf/accounts/urls.py).
password_change = login_required(
    reauthentication_required(enabled=lambda request: has_mfa(request.user))(allauth_password_change))
