"""The pages the benchmark measures, the roles that see them, and their sessions."""
from dataclasses import asdict, dataclass

from . import seed as bench_seed

PING = "/bench/ping"


@dataclass
class Page:
    name: str
    url: str
    role: str  # "anonymous", "staff", "promoter", "assessor"

    @property
    def public(self):
        return self.role == "anonymous"


def pages():
    """Every measured page of the seeded database (the same list at every scale)."""
    from assessment.models import AssessmentRound, Decision
    from blog.models import Post
    from calls.models import Call
    from projects.models import PublicProject

    main_call = Call.objects.get(slug=bench_seed.MAIN_CALL_SLUG)
    rnd = AssessmentRound.objects.get(call=main_call, kind=AssessmentRound.Kind.SELECTION)
    ranked_call = Decision.objects.filter(published_at__isnull=False).order_by("-round__call__year").first().round.call
    project = PublicProject.objects.public().order_by("pk").first()
    post = Post.objects.published().order_by("-publish_at").first()
    return [
        Page("home", "/", "anonymous"),
        Page("project list", "/projects/portfolio/", "anonymous"),
        Page("project page", project.get_absolute_url(), "anonymous"),
        Page("blog list", "/blog/", "anonymous"),
        Page("post", post.get_absolute_url(), "anonymous"),
        Page("call page", ranked_call.get_absolute_url(), "anonymous"),
        Page("call ranking (public)", f"/assessment/calls/{ranked_call.pk}/ranking/", "anonymous"),
        Page("staff proposal list", f"/projects/staff/calls/{main_call.slug}/", "staff"),
        Page("ranking (staff)", f"/assessment/staff/rounds/{rnd.pk}/ranking/", "staff"),
        Page("grant portfolio", "/grants/staff/", "staff"),
        Page("my area (promoter)", "/my-area/", "promoter"),
        Page("assessor's list", "/assessment/mine/", "assessor"),
    ]


def users_by_role():
    from tsf.accounts.models import User

    return {
        "staff": User.objects.get(email=bench_seed.STAFF_EMAIL),
        "promoter": User.objects.get(email=bench_seed.PROMOTER_EMAIL),
        "assessor": User.objects.get(email=bench_seed.ASSESSOR_EMAIL.format(0)),
    }


def _signed_in_with_both_factors(session, user):
    """A session whose person (for a person with TOTP enrolled: the bench's staff and assessor) used the
    code too, as the login's second step records it, so the two-factor gate opens their pages."""
    from tsf.accounts.permissions import has_mfa, record_two_factor_used

    if has_mfa(user):
        record_two_factor_used(session, user)


def session_for(user):
    """A logged-in session in the database, as `login()` makes it; returns its key (the cookie)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "tsf.accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    _signed_in_with_both_factors(store, user)
    store.create()
    return store.session_key


def count_queries(page_list):
    """Queries of one request to each page, through the test client: with an empty cache (the
    worst case, `cold`) and right after (`warm`); and `cold_ms`, the median time of three requests
    each made with an empty cache (the page built from the database, nothing kept)."""
    import statistics
    import time

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users_by_role().items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
        session = clients[role].session
        _signed_in_with_both_factors(session, user)
        session.save()
    result = {}
    for page in page_list:
        client = clients[page.role]
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(page.url)
        with CaptureQueriesContext(connection) as warm:
            client.get(page.url)
        # Read the captured queries now: a request that opens a new connection empties the log.
        counts = {"cold": len(cold), "warm": len(warm), "sql": [q["sql"][:300] for q in cold.captured_queries]}
        timings = []
        for _ in range(3):
            cache.clear()
            started = time.perf_counter()
            client.get(page.url)
            timings.append((time.perf_counter() - started) * 1000)
        result[page.name] = {"status": response.status_code, **counts,
                             "cold_ms": round(statistics.median(timings), 1)}
    return result


def as_json(page_list):
    return [asdict(p) | {"public": p.public} for p in page_list]
