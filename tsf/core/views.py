import json
import mimetypes
import os

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tsf.accounts.permissions import staff_required

from .audit_text import action_label, describe
from .exports import export_response
from .models import AuditEntry
from .pagecache import anonymous_page_cache
from .sharing import site_url


@anonymous_page_cache
def home(request):
    from . import home as home_registry

    return render(
        request,
        "core/home.html",
        {"sections": home_registry.sections_for(request), "figures": home_registry.figures_for(request)},
    )


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for where a page names no icon (feeds, files, printouts)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon-32.png"))


@require_GET
def robots_txt(request):
    from django.http import HttpResponse

    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /en/accounts/",
        "Disallow: /files/",
        "Disallow: /notifications/",
        "Disallow: /my-area/",
        "Disallow: /staff/",
        "Disallow: /django-admin/",
        "Allow: /",
        f"Sitemap: {site_url(request)}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page(request, name):
    templates = {
        "accessibility": "core/pages/accessibility.html",
        "privacy": "core/pages/privacy.html",
        "contacts": "core/pages/contacts.html",
        "legal": "core/pages/legal.html",
    }
    if name not in templates:
        raise Http404
    return render(request, templates[name])


WORKER_PING_SECONDS = 1.0


def _worker_state(broker_state: str) -> str:
    """Whether a Celery worker answers a ping on the broker: "ok", "no answer", or why not asked."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return "eager (no broker configured)"
    if broker_state != "ok":
        return "unknown (the broker does not answer)"
    from tsf.celery import app

    try:
        with app.connection_for_write(settings.REDIS_URL) as conn:
            replies = app.control.ping(timeout=WORKER_PING_SECONDS, limit=1, connection=conn)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok" if replies else "no answer"


@never_cache
@require_GET
def healthz(request):
    """The state of the database and of the broker, as JSON: 200 when the database answers (and the
    broker, where one is configured). Also the background jobs, which do not change the answer's
    status (a web process serves pages without them): whether a Celery worker answers, and when
    beat last sent a scheduled job (`jobs`: "ok", or "degraded" when the worker does not answer or
    beat is late: no reminders go out)."""
    from django.conf import settings

    from . import heartbeat

    state = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        state["database_vendor"] = connection.vendor
    except Exception as exc:  # noqa: BLE001
        state["database"] = f"error: {exc.__class__.__name__}"
    if not settings.REDIS_URL:
        state["broker"] = "eager (no broker configured)"
    else:
        try:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
            client.ping()
        except Exception as exc:  # noqa: BLE001
            state["broker"] = f"error: {exc.__class__.__name__}"
    state["worker"] = _worker_state(state["broker"])
    try:
        state["beat"] = heartbeat.beat_state()
    except Exception as exc:  # noqa: BLE001 - the database is down: said above
        state["beat"] = {"last_run": None, "seconds_ago": None, "state": f"error: {exc.__class__.__name__}"}
    jobs_ok = state["worker"] in ("ok", "eager (no broker configured)") and state["beat"]["state"] == "ok"
    state["jobs"] = "ok" if jobs_ok else "degraded"
    healthy = state["database"] == "ok" and not state["broker"].startswith("error")
    state["status"] = "ok" if healthy else "degraded"
    return JsonResponse(state, status=200 if healthy else 503)


def private_file(request, app_label, model_name, pk, field):
    """Serve a private upload after checking `<app>.view_<model>` on the object (rules).

    Anonymous visitors are sent to log in before anything is looked up (so the URL does not tell
    them whether the object exists); unknown model, field or object, or an empty field: 404;
    a person without the permission: 403."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    try:
        file_field = model._meta.get_field(field)
    except FieldDoesNotExist as exc:
        raise Http404 from exc
    if not isinstance(file_field, models.FileField):  # ImageField is a FileField too
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    perm = f"{model._meta.app_label}.view_{model._meta.model_name}"
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    fieldfile = getattr(obj, field)
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = os.path.basename(fieldfile.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def kept_upload(request, token):
    """A file kept across a form's errors (tsf.core.keptuploads), to the person who chose it only:
    an image shows inline (the form's preview), anything else downloads. Anyone else, or an expired
    or forged reference: 404."""
    from .keptuploads import IMAGE_EXTENSIONS, resolve

    kept = resolve(token, request.user)
    if kept is None:
        raise Http404
    try:
        handle = kept.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = kept.original_name
    image = name.lower().endswith(IMAGE_EXTENSIONS)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not image, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def audit_log(request):
    qs = AuditEntry.objects.select_related("actor", "content_type")
    q = request.GET.get("q", "").strip()
    action = request.GET.get("action", "").strip()
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(actor__email__icontains=q) | Q(note__icontains=q))
    if action:
        qs = qs.filter(action=action)
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = (
            (
                e.created_at,
                e.actor.email if e.actor else "",
                e.action,
                e.object_repr,
                json.dumps(e.changes, ensure_ascii=False) if e.changes else "",
                e.note,
                describe(e),
            )
            for e in qs.iterator(chunk_size=1000)
        )
        # The raw values (action code, changes as JSON), and the sentence the page shows.
        headers = [_("When"), _("Who"), _("Action"), _("Object"), _("Changes"), _("Note"), _("What happened")]
        return export_response(request.GET["format"], "audit-log", headers, rows)
    actions = [(a, action_label(a)) for a in
               AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()]
    page_obj = Paginator(qs, 50).get_page(request.GET.get("page"))
    for e in page_obj.object_list:
        e.sentence = describe(e)
    return render(request, "core/audit_log.html", {"page_obj": page_obj, "q": q, "action": action, "actions": actions})


def bench_ping(request):
    """The benchmark's ceiling: a fixed short answer, no database, no template."""
    from django.http import HttpResponse

    return HttpResponse(b"pong", content_type="text/plain")
