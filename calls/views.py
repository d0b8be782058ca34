import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from tsf.accounts.permissions import staff_required
from tsf.core.exports import export_response
from tsf.core.pagecache import anonymous_page_cache
from tsf.core.versioning import EditConflict

from . import selectors, services
from .forms import CallForm, DocumentFormSet, FAQFormSet
from .hooks import call_page
from .models import Call


def _calls_export(request, q):
    """The calls the person may see (the public list's and the staff list's), as CSV or XLSX."""
    headers = [_("Call"), _("Year"), _("Opens"), _("Closes"), _("Published"), _("Budget (EUR)"),
               _("Maximum grant (EUR)"), _("Proposals submitted")]
    qs = selectors.call_list(request.user, q).annotate(
        n_submitted=Count("proposals", filter=Q(proposals__submitted_at__isnull=False)))
    rows = ([c.title, c.year, c.opens_at, c.closes_at, _("yes") if c.is_published else _("no"), c.total_budget,
             c.max_grant, c.n_submitted] for c in qs)
    return export_response(request.GET["format"], "calls", headers, rows)


def index(request):
    """Every published call, the open ones and the past ones."""
    q = request.GET.get("q", "").strip()
    if request.GET.get("format") in ("csv", "xlsx"):
        return _calls_export(request, q)
    page_obj = Paginator(selectors.call_list(request.user, q), 20).get_page(request.GET.get("page"))
    return render(request, "calls/index.html", {
        "page_obj": page_obj, "q": q, "now": timezone.now(),
        "can_manage": request.user.has_perm("calls.manage_call"),
    })


def _detail_etag(request, slug):
    """Anonymous visitors get an ETag (and 304 on If-None-Match): it covers the call and its
    documents and FAQ, the sections other stages add (their freshness), and what depends on the
    clock (open or not, the time left as shown). Logged-in pages carry personal parts: sent whole."""
    if request.user.is_authenticated:
        return None
    row = selectors.public_call_freshness(slug)
    if row is None:
        return None
    now = timezone.now()
    if now < row["opens_at"]:
        state, shown_time = "upcoming", timeuntil(row["opens_at"], now)
    elif now < row["closes_at"]:
        state, shown_time = "open", timeuntil(row["closes_at"], now)
    else:
        state, shown_time = "closed", ""
    parts = [row[k] for k in ("updated_at", "docs_changed", "docs_count", "faqs_count", "faqs_last")]
    parts += [state, shown_time, call_page.last_modified(row["pk"])]
    raw = "|".join(str(p) for p in (*parts, request.get_full_path(),
                                       request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
                                       getattr(request, "LANGUAGE_CODE", "")))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@anonymous_page_cache
@condition(etag_func=_detail_etag)
def detail(request, slug):
    call = selectors.call_detail(request.user, slug)
    if call is None:
        raise Http404
    hoods_by_district = {}
    for hood in call.neighbourhoods.all():
        hoods_by_district.setdefault(hood.district, []).append(hood)
    response = render(request, "calls/detail.html", {
        "call": call,
        "now": timezone.now(),
        "is_open": call.is_open(),
        "hoods_by_district": hoods_by_district,
        "can_manage": request.user.has_perm("calls.manage_call", call),
        "sections": call_page.sections_for(request, call),
    })
    if not request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


@staff_required
def staff_list(request):
    q = request.GET.get("q", "").strip()
    if request.GET.get("format") in ("csv", "xlsx"):
        return _calls_export(request, q)
    page_obj = Paginator(selectors.call_list(request.user, q), 20).get_page(request.GET.get("page"))
    return render(request, "calls/staff/list.html", {"page_obj": page_obj, "q": q})


def _edit(request, call):
    form = CallForm(request.POST or None, instance=call)
    docs = DocumentFormSet(request.POST or None, request.FILES or None, instance=call, prefix="docs",
                           form_kwargs={"uploader": request.user})
    faqs = FAQFormSet(request.POST or None, instance=call, prefix="faqs")
    if request.method == "POST":
        if form.is_valid() and docs.is_valid() and faqs.is_valid():
            try:
                with transaction.atomic():  # the call, its documents and questions, or nothing
                    saved = services.save_call(form, by=request.user,
                                               reason=form.cleaned_data.get("dates_change_reason", ""))
                    docs.instance = saved
                    faqs.instance = saved
                    services.save_call_extras(docs, by=request.user, what="document")
                    services.save_call_extras(faqs, by=request.user, what="faq")
            except EditConflict as exc:
                form.show_conflict(exc)
            except services.CallError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.messages[0])
            else:
                messages.success(request, _("The call has been saved."))
                return redirect("calls:staff_edit", slug=saved.slug)
        else:
            messages.error(request, _("Please correct the errors below."))
    return render(request, "calls/staff/form.html", {"form": form, "docs": docs, "faqs": faqs, "call": call})


@staff_required
def staff_create(request):
    return _edit(request, Call())


@staff_required
def staff_edit(request, slug):
    return _edit(request, get_object_or_404(Call, slug=slug))
