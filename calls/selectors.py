from django.db.models import Count, Max, Prefetch, Q

from .models import FAQ, Call, CallDocument


def visible_calls(user):
    qs = Call.objects.select_related("programme")
    if not (user.is_authenticated and user.has_role("staff")):
        qs = qs.published()
    return qs


def call_list(user, q: str = ""):
    qs = visible_calls(user).order_by("-opens_at")
    if q:
        # In both languages: a visitor may type the words of either version.
        qs = qs.filter(Q(title_it__icontains=q) | Q(title_en__icontains=q) | Q(summary_it__icontains=q)
                       | Q(summary_en__icontains=q) | Q(year__icontains=q))
    return qs


def call_detail(user, slug):
    return (
        visible_calls(user)
        .prefetch_related(
            "districts", "neighbourhoods__district", "themes", "target_groups",
            Prefetch("documents", queryset=CallDocument.objects.order_by("order", "id")),
            Prefetch("faqs", queryset=FAQ.objects.order_by("order", "id")),
        )
        .filter(slug=slug)
        .first()
    )


def current_call(when=None):
    """The published call that is open now, else the most recent published one."""
    calls = Call.objects.published()
    return calls.open_at(when).order_by("closes_at").first() or calls.order_by("-opens_at").first()


def public_call_freshness(slug):
    """What the public call page depends on, for its ETag (one query): the call's last change,
    its documents and FAQ, and its dates. None if the call is not published."""
    return (
        Call.objects.published().filter(slug=slug)
        .annotate(docs_changed=Max("documents__uploaded_at"), docs_count=Count("documents", distinct=True),
                  faqs_count=Count("faqs", distinct=True), faqs_last=Max("faqs__id"))
        .values("pk", "updated_at", "opens_at", "closes_at", "docs_changed", "docs_count", "faqs_count", "faqs_last")
        .first()
    )
