from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tsf.accounts.permissions import check_roles
from tsf.core.exports import export_response
from tsf.core.sharing import site_url
from tsf.core.versioning import EditConflict

from . import services
from .forms import IssueForm, SubscribeForm
from .models import Issue, Subscriber


def _editor(request):
    response = check_roles(request, ("editor", "staff"))
    if response is None and not request.user.has_perm("newsletter.compose_issue"):
        raise PermissionDenied
    return response


@never_cache
def subscribe(request):
    user = request.user
    initial = {"email": user.email} if user.is_authenticated else {}
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.subscribe(form.cleaned_data["email"], user=user)
        return render(request, "newsletter/check_inbox.html", {"email": form.cleaned_data["email"]})
    return render(request, "newsletter/subscribe.html", {"form": form})


@never_cache
def confirm(request, token):
    sub = services.confirm(token)
    if sub is None:
        raise Http404
    return render(request, "newsletter/confirmed.html", {"subscriber": sub})


@csrf_exempt  # the one-click POST of a mail program (RFC 8058) has no CSRF token: the token is the key
@never_cache
def unsubscribe(request, token):
    sub = Subscriber.objects.filter(token=token).first()
    if sub is None:
        raise Http404
    if request.method == "POST":
        services.unsubscribe(sub)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": sub})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": sub})


@never_cache
def issues(request):
    if (response := _editor(request)) is not None:
        return response
    rows = Issue.objects.annotate(n_deliveries=Count("deliveries")).order_by("-created_at", "-pk")
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count()
    return render(request, "newsletter/issues.html", {"issues": rows, "active": active})


@never_cache
def issue_edit(request, pk=None):
    if (response := _editor(request)) is not None:
        return response
    issue = get_object_or_404(Issue, pk=pk) if pk else None
    if issue is not None and issue.status != Issue.Status.DRAFT:
        return render(request, "newsletter/issue_sent.html", {"issue": issue})
    initial = {"subject": issue.subject, "intro": issue.intro, "posts": list(issue.posts.all())} if issue else {}
    form = IssueForm(request.POST or None, issue=issue, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = services.save_issue(issue, subject=data["subject"], intro=data["intro"], posts=data["posts"],
                                        by=request.user, edit=form.edit())
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("The issue has been saved."))
            return redirect(issue.get_absolute_url())
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count()
    return render(request, "newsletter/issue_form.html", {"issue": issue, "form": form, "active": active})


@never_cache
def issue_preview(request, pk):
    if (response := _editor(request)) is not None:
        return response
    issue = get_object_or_404(Issue, pk=pk)
    context = {**services._issue_context(issue), "site_url": site_url(request), "preview": True}
    return HttpResponse(render_to_string("notifications/newsletter_issue/body.html", context, request=request))


@require_POST
def issue_test(request, pk):
    if (response := _editor(request)) is not None:
        return response
    issue = get_object_or_404(Issue, pk=pk)
    services.send_test(issue, by=request.user)
    messages.success(request, _("A test copy has been sent to %(email)s.") % {"email": request.user.email})
    return redirect(issue.get_absolute_url())


@require_POST
def issue_send(request, pk):
    if (response := _editor(request)) is not None:
        return response
    issue = get_object_or_404(Issue, pk=pk)
    try:
        services.start_sending(issue, by=request.user)
    except ValueError:
        messages.error(request, _("Choose at least one post before sending."))
        return redirect(issue.get_absolute_url())
    except PermissionDenied:
        messages.error(request, _("This issue was already sent."))
        return redirect("newsletter:issues")
    messages.success(request, _("The issue is being sent to the subscribers, in batches."))
    return redirect("newsletter:issues")


@never_cache
def subscribers(request):
    if (response := check_roles(request, ("staff",))) is not None:
        return response
    status = request.GET.get("status", "")
    if status not in Subscriber.Status.values:
        status = ""
    rows = Subscriber.objects.order_by("email")
    if status:
        rows = rows.filter(status=status)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers = [_("E-mail address"), _("Status"), _("Language"), _("Asked at"), _("Confirmed at"),
                   _("Unsubscribed at")]
        data = ((s.email, s.get_status_display(), s.language, s.created_at, s.confirmed_at, s.unsubscribed_at)
                for s in rows.iterator())
        return export_response(fmt, "newsletter-subscribers", headers, data)
    counts = Subscriber.objects.aggregate(
        active=Count("pk", filter=Q(status=Subscriber.Status.ACTIVE)),
        pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
        unsubscribed=Count("pk", filter=Q(status=Subscriber.Status.UNSUBSCRIBED)))
    return render(request, "newsletter/subscribers.html",
                  {"rows": rows[:500], "counts": counts, "status": status, "statuses": Subscriber.Status.choices})

