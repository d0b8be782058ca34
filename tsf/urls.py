from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from blog.sitemaps import BlogIndexSitemap, PostSitemap
from calls.sitemaps import CallSitemap
from projects.sitemaps import ProjectSitemap
from tsf.core import views as core_views
from tsf.core.sitemaps import StaticPagesSitemap

# The composition root: the only module that sees every stage.
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "calls": CallSitemap,
    "projects": ProjectSitemap,
    "blog": BlogIndexSitemap,
    "posts": PostSitemap,
}

# Not translated: machine endpoints.
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("bench/ping", core_views.bench_ping, name="bench_ping"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("", include("tsf.spid.urls")),  # SPID/CIE: the service provider's endpoints (and the demo's test IdP)
    path("sitemap.xml", cache_page(600)(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Pages: Italian at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("", include("tsf.core.urls")),
    path("", include("tsf.accounts.urls")),
    path("", include("tsf.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("tsf.notifications.urls")),
    path("", include("tsf.accessibility.urls")),
    path("calls/", include("calls.urls")),
    path("projects/", include("projects.urls")),
    path("assessment/", include("assessment.urls")),
    path("incubation/", include("incubation.urls")),
    path("grants/", include("grants.urls")),
    path("acceleration/", include("acceleration.urls")),
    path("blog/", include("blog.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    *([path("django-admin/", admin.site.urls)] if settings.ADMIN_ENABLED else []),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
