"""Who may do what with blog posts: editors (communication team) and staff write, preview and
publish; the public sees only what is published and whose time has come."""
import rules

from tsf.accounts.rules import is_editor, is_staff_member

is_blog_editor = is_editor | is_staff_member


@rules.predicate
def is_public_post(user, post):
    return post is not None and bool(post.is_public)


rules.add_perm("blog.add_post", is_blog_editor)
rules.add_perm("blog.change_post", is_blog_editor)
rules.add_perm("blog.delete_post", is_blog_editor)
rules.add_perm("blog.publish_post", is_blog_editor)
rules.add_perm("blog.preview_post", is_blog_editor)
rules.add_perm("blog.view_post", is_public_post | is_blog_editor)
