from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from tsf.core.versioning import VersionedFormMixin


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


def recent_posts(days=60):
    since = timezone.now() - timezone.timedelta(days=days)
    return Post.objects.published().filter(publish_at__gte=since).order_by("-publish_at", "-pk")


class IssueForm(VersionedFormMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    intro = forms.CharField(label=_("Introduction"), required=False, max_length=3000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("A few sentences before the posts (plain text)."))
    posts = forms.ModelMultipleChoiceField(label=_("Posts of the last 60 days"), queryset=Post.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, issue=None, **kwargs):
        super().__init__(*args, edit_object=issue, **kwargs)
        qs = recent_posts()
        if issue is not None:
            qs = (qs | Post.objects.filter(pk__in=issue.posts.values("pk"))).distinct().order_by("-publish_at", "-pk")
        self.fields["posts"].queryset = qs
        self.fields["posts"].label_from_instance = lambda p: f"{p.title} ({timezone.localtime(p.publish_at):%d/%m/%Y})"
