"""The blog's section of the home page: the latest posts."""
from tsf.core import home

from .selectors import latest_posts


@home.section(order=40)
def latest(request):
    posts = latest_posts(3)
    if not posts:
        return None
    return {"template": "blog/home/latest_posts.html", "posts": posts}
