"""The portal's own address in links follows where it is served: `make run PORT=8101` links to
port 8101 in pages, feeds, social cards and e-mails; SITE_URL, when set, wins everywhere."""
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail

from tests.blog.factories import PostFactory
from tsf.notifications.models import OutboxEmail
from tsf.notifications.services import notify

pytestmark = pytest.mark.django_db
HERE = "http://127.0.0.1:8101"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unset(settings):
    settings.SITE_URL = ""  # as on a laptop without SITE_URL in the environment
    return settings


def test_a_post_served_on_another_port_links_to_that_port(client, unset, media):
    post = PostFactory(title="Il primo workshop", slug="il-primo-workshop", with_cover=True)
    html = client.get(post.get_absolute_url(), HTTP_HOST="127.0.0.1:8101").content.decode()
    url = HERE + post.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:image" content="{HERE}{post.cover_image.url}">' in html
    assert f'href="{HERE}/blog/feed/rss/"' in html
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F127.0.0.1%3A8101%2Fblog%2Fil-primo-workshop%2F" in html
    assert f'hreflang="en" href="{HERE}/en/blog/il-primo-workshop/"' in html
    assert ":8000" not in html


def test_feeds_and_robots_follow_the_address_served(client, unset, media):
    post = PostFactory(title="Il primo workshop", slug="il-primo-workshop", with_cover=True)
    rss = client.get("/blog/feed/rss/", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert f"<link>{HERE}/blog/il-primo-workshop/</link>" in rss
    assert f'url="{HERE}{post.cover_image.url}"' in rss.split("<enclosure", 1)[1].split("/>", 1)[0]
    robots = client.get("/robots.txt", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert f"Sitemap: {HERE}/sitemap.xml" in robots


def test_site_url_when_set_is_the_address_of_every_link(client, settings):
    settings.SITE_URL = "https://www.torinosocialfactory.it"
    html = client.get("/page/privacy/", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert '<link rel="canonical" href="https://www.torinosocialfactory.it/page/privacy/">' in html
    assert "8101" not in html


@pytest.mark.parametrize(("site_url", "expected"), [("http://127.0.0.1:8101", HERE), ("", "http://127.0.0.1:8000")])
def test_e_mails_link_to_site_url_or_the_default(settings, make_user, django_capture_on_commit_callbacks,
                                                 site_url, expected):
    settings.SITE_URL = site_url
    user = make_user(language="it", full_name="Maria Rossi")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "message", {"subject": "Stato della proposta", "text": "È ammessa."}, url="/projects/mine/")
    email = OutboxEmail.objects.get(to=user.email)
    assert f"{expected}/projects/mine/" in email.body_text
    assert f'href="{expected}/projects/mine/"' in email.body_html
    assert mail.outbox and f"{expected}/projects/mine/" in mail.outbox[0].body


def _run_target_site_url(env, **make_vars):
    """The SITE_URL that `make run` exports to the server and the background jobs: the export line
    of the run recipe (make -n prints it without running anything), evaluated by the shell."""
    root = Path(django_settings.BASE_DIR)
    args = ["make", "-n", "-C", str(root), "run"] + [f"{k}={v}" for k, v in make_vars.items()]
    recipe = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    line = next(s for s in recipe.splitlines() if "export SITE_URL=" in s).rstrip("; \\")
    return subprocess.run(["bash", "-c", f'{line}; echo "$SITE_URL"'], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()


def test_make_run_exports_the_address_it_serves():
    env = {"PATH": "/usr/bin:/bin"}
    assert _run_target_site_url(env, PORT=8101) == HERE
    assert _run_target_site_url(env) == "http://127.0.0.1:8000"
    assert _run_target_site_url(env, HOST="0.0.0.0", PORT=8102) == "http://127.0.0.1:8102"
    assert _run_target_site_url({**env, "SITE_URL": "https://tsf.example"}, PORT=8101) == "https://tsf.example"
