"""The public portfolio of incubated and funded projects and their pages (Last-Modified and ETag
for anonymous visitors, 304 on conditional requests), and the staff pages that write and publish
them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_POST

from calls.geo import district_map
from tsf.accounts.permissions import staff_required
from tsf.core.pagecache import anonymous_page_cache
from tsf.core.sharing import absolute, share_links
from tsf.core.versioning import EditConflict

from . import selectors, services
from .forms import PortfolioFilterForm, PublicProjectForm
from .hooks import project_page
from .models import LAB_STATUSES, PublicProject

PAGE_SIZE = 12


# Conditional requests: only anonymous pages are the same for everyone. ------------------------

def _portfolio_fresh(request):
    if not hasattr(request, "_portfolio_fresh"):
        request._portfolio_fresh = selectors.portfolio_freshness()
    return request._portfolio_fresh


def _portfolio_last_modified(request):
    if request.user.is_authenticated:
        return None
    return _portfolio_fresh(request)[0]


def _portfolio_etag(request):
    if request.user.is_authenticated:
        return None
    modified, count = _portfolio_fresh(request)
    if modified is None:
        return None
    return selectors.etag_for(request, "portfolio", modified.isoformat(), count)


def _project_fresh(request, slug):
    if not hasattr(request, "_project_fresh"):
        modified, proposal_pk = selectors.project_freshness(slug)
        if modified is not None:
            extra = project_page.last_modified(proposal_pk)
            modified = max(modified, extra) if extra else modified
        request._project_fresh = modified
    return request._project_fresh


def _project_last_modified(request, slug):
    if request.user.is_authenticated:
        return None
    return _project_fresh(request, slug)


def _project_etag(request, slug):
    modified = _project_last_modified(request, slug)
    if modified is None:
        return None
    return selectors.etag_for(request, "project", slug, modified.isoformat())


def _public_headers(request, response):
    if not request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


# Public pages ----------------------------------------------------------------------------------

@anonymous_page_cache
@condition(etag_func=_portfolio_etag, last_modified_func=_portfolio_last_modified)
def portfolio(request):
    filters = PortfolioFilterForm(request.GET or None)
    params = filters.params() if request.GET else {}
    page_obj = Paginator(selectors.public_projects(params), PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(params.values()) if params else False
    return _public_headers(request, render(request, "projects/public/list.html", {
        "filters": filters, "page_obj": page_obj, "projects": page_obj.object_list, "filtered": filtered,
        "district_map": district_map(selectors.public_district_counts()),
        "share_links": share_links(request.path, _("Torino Social Factory projects")),
    }))


@anonymous_page_cache
@condition(etag_func=_project_etag, last_modified_func=_project_last_modified)
def public_detail(request, slug):
    project = selectors.public_project(slug)
    if project is None:
        raise Http404(_("No such project."))
    version = project.proposal.current_version
    url = project.get_absolute_url()
    return _public_headers(request, render(request, "projects/public/detail.html", {
        "project": project, "proposal": project.proposal, "version": version,
        "sections": project_page.sections_for(request, project),
        "share_links": share_links(url, version.title, request),
        "canonical_url": absolute(url, request),
        "can_manage": request.user.has_perm("projects.manage_proposals"),
    }))


# Staff ------------------------------------------------------------------------------------------

def _staff_proposal(request, pk):
    proposal = selectors.proposal_detail(pk)
    if proposal is None or not request.user.has_perm("projects.manage_proposals", proposal):
        raise Http404
    return proposal


@staff_required
def staff_public_page(request, pk):
    """Write the public page of an incubated or funded project."""
    proposal = _staff_proposal(request, pk)
    if proposal.status not in LAB_STATUSES:
        messages.error(request, _("Only projects admitted to the Incubation Lab (incubated or funded) can have a "
                                  "public page."))
        return redirect("projects:staff_proposal", pk=proposal.pk)
    page = PublicProject.objects.filter(proposal=proposal).first() or PublicProject(
        proposal=proposal, summary=proposal.current_version.summary)
    form = PublicProjectForm(request.POST or None, request.FILES or None, instance=page, edit_object=proposal,
                             uploader=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                page = services.save_public_page(form, by=request.user)
            except EditConflict as exc:  # saved meanwhile by someone else: nothing applied
                form.show_conflict(exc)
            except services.ProposalError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("The public page has been saved."))
                return redirect("projects:staff_public_page", pk=proposal.pk)
        else:
            messages.error(request, _("Please correct the errors below."))
    return render(request, "projects/staff/public_page.html", {
        "proposal": proposal, "version": proposal.current_version, "call": proposal.call, "form": form,
        "page": page if page.pk else None,
    })


@staff_required
@require_POST
def staff_public_publication(request, pk):
    proposal = _staff_proposal(request, pk)
    page = PublicProject.objects.filter(proposal=proposal).first()
    if page is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.publish_public_page(page, by=request.user)
            messages.success(request, _("The project page is public."))
        elif action == "unpublish":
            services.unpublish_public_page(page, by=request.user)
            messages.success(request, _("The project page is no longer public."))
        else:
            messages.error(request, _("Unknown action."))
    except services.ProposalError as exc:
        messages.error(request, exc.messages[0])
    return redirect("projects:staff_public_page", pk=proposal.pk)

