"""`{% once "name" %}...{% endonce %}`: a part of a layout that depends only on the language and the
settings (the footer, the head's links to styles and scripts) is rendered once per process and
language, then reused on every page.

Its content must not read the request, the person or the page's context: only settings, `{% static %}`,
`{% url %}` without arguments from the context, and translations. Kept in this process's memory
(no round trip to a cache server), forgotten when a setting changes (the tests' `override_settings`).
"""
from django import template
from django.core.signals import setting_changed
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

_RENDERED = {}


@register.tag
def once(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% once "name" %} takes one quoted name')
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(bits[1][1:-1], nodelist)


class OnceNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        key = (self.name, translation.get_language())
        html = _RENDERED.get(key)
        if html is None:
            html = _RENDERED[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - our template's output
        return html


def forget(**_kwargs):
    _RENDERED.clear()


setting_changed.connect(forget, dispatch_uid="tsf.core.templatetags.once")
