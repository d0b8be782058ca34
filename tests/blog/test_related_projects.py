"""Posts related to projects: chosen in the editor, shown on the project's public page (public
posts only), and the page's ETag follows the blog."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from blog.forms import PostForm
from blog.models import Post
from projects.models import ProposalStatus
from tests.blog.factories import PostFactory
from tests.blog.test_editor import _data
from tests.projects.test_public import call, lab_project  # noqa: F401 - the `call` fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings: pages are requested under /en/."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_editor_relates_a_post_to_lab_projects_only(editor_client, call):  # noqa: F811
    incubated = lab_project(call, "Emporio RiVesti")
    not_selected = lab_project(call, "Non selezionato", status=ProposalStatus.NOT_SELECTED, page=False)
    choices = list(PostForm().fields["related_projects"].queryset)
    assert incubated in choices and not_selected not in choices
    page = editor_client.get(reverse("blog:manage_create"), {"kind": "article"}).content.decode()
    assert "Related projects" in page and "Emporio RiVesti – Cooperativa Emporio RiVesti" in page
    response = editor_client.post(reverse("blog:manage_create"),
                                  _data(title="L'emporio apre", publication="now",
                                        related_projects=[str(incubated.pk)]))
    assert response.status_code == 302
    post = Post.objects.get(title="L'emporio apre")
    assert list(post.related_projects.all()) == [incubated]
    response = editor_client.post(reverse("blog:manage_create"),
                                  _data(title="Non valido", related_projects=[str(not_selected.pk)]))
    assert response.status_code == 200 and "related_projects" in response.context["form"].errors


def test_project_page_shows_its_public_related_posts(client, call):  # noqa: F811
    project = lab_project(call, "Forno di Mirafiori", status=ProposalStatus.FUNDED)
    other = lab_project(call, "Altro progetto")
    public = PostFactory(title="Il forno apre le porte")
    public.related_projects.add(project)
    draft = PostFactory(title="Bozza sul forno", status=Post.Status.DRAFT, publish_at=None)
    draft.related_projects.add(project)
    scheduled = PostFactory(title="Futuro sul forno", publish_at=timezone.now() + datetime.timedelta(days=2))
    scheduled.related_projects.add(project)
    unrelated = PostFactory(title="Post su altro")
    unrelated.related_projects.add(other)
    body = client.get(project.public_page.get_absolute_url()).content.decode()
    assert "From the blog" in body and "Il forno apre le porte" in body
    assert "Bozza sul forno" not in body and "Futuro sul forno" not in body and "Post su altro" not in body
    body = client.get(lab_project(call, "Senza post").public_page.get_absolute_url()).content.decode()
    assert "From the blog" not in body


def test_a_post_becoming_public_changes_the_project_page_etag(client, call, settings):  # noqa: F811
    settings.TSF_PAGE_CACHE_SECONDS = 0  # the server-side page cache may keep a clock-only change up to its timeout
    project = lab_project(call, "Cascina aperta")
    post = PostFactory(title="Presto in cascina", publish_at=timezone.now() + datetime.timedelta(hours=1))
    post.related_projects.add(project)
    url = project.public_page.get_absolute_url()
    client.get(url)
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with freeze_time(timezone.now() + datetime.timedelta(hours=2)):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200 and "Presto in cascina" in again.content.decode()


def test_post_page_links_to_its_published_projects(client, call):  # noqa: F811
    shown = lab_project(call, "Casa del quartiere")
    hidden = lab_project(call, "Pagina in bozza", published=False)
    no_page = lab_project(call, "Senza pagina", page=False)
    post = PostFactory(title="Un post sui progetti")
    post.related_projects.add(shown, hidden, no_page)
    body = client.get(post.get_absolute_url()).content.decode()
    assert "Projects in this post" in body
    assert f'href="{shown.public_page.get_absolute_url()}"' in body
    assert "Pagina in bozza" not in body and "Senza pagina" not in body


def test_withdrawing_a_project_page_changes_the_post_etag(client, call):  # noqa: F811
    project = lab_project(call, "Progetto ritirato")
    post = PostFactory(title="Un post")
    post.related_projects.add(project)
    client.get(post.get_absolute_url())
    first = client.get(post.get_absolute_url())
    assert client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with freeze_time(timezone.now() + datetime.timedelta(minutes=5)):
        page = project.public_page
        page.is_published = False
        page.save()
        again = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200 and "Progetto ritirato" not in again.content.decode()
