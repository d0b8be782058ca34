"""The blog's section on a project's public page: the posts related to the project.

Registered into projects.hooks (blog may read projects; projects never imports blog)."""
from projects.hooks import project_page

from .selectors import blog_freshness, posts_about_project


@project_page.section(order=20)
def related_posts(request, project):
    posts = posts_about_project(project.proposal_id)
    if not posts:
        return None
    return {"template": "blog/project_page/related_posts.html", "posts": posts}


@project_page.freshness
def blog_changed(proposal_pk):
    # Any change to the blog may change which related posts are public: the page follows it.
    return blog_freshness()[0]
