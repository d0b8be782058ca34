"""Later stages add sections to the call page (published rankings) without calls importing them."""
import pytest

from calls.hooks import PageHooks, call_page
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_a_registered_section_appears_on_the_call_page(client):
    call = CallFactory(title="Bando con graduatoria")

    def rankings(request, c):
        if c.pk != call.pk:
            return None
        return {"template": "calls/home/open_call.html", "call": c, "now": None}

    call_page.section(order=10)(rankings)
    try:
        body = client.get(call.get_absolute_url()).content.decode()
        assert 'id="open-call-title"' in body
        other = CallFactory(title="Altro bando")
        assert 'id="open-call-title"' not in client.get(other.get_absolute_url()).content.decode()
    finally:
        call_page._sections[:] = [e for e in call_page._sections if e.func is not rankings]


def test_hooks_order_sections_and_combine_freshness():
    hooks = PageHooks("test")
    hooks.section(order=20)(lambda r, o: {"template": "b"})
    hooks.section(order=10)(lambda r, o: {"template": "a"})
    hooks.section(order=5)(lambda r, o: None)
    assert [s["template"] for s in hooks.sections_for(None, None)] == ["a", "b"]
    import datetime

    hooks.freshness(lambda o: datetime.datetime(2018, 1, 1))
    hooks.freshness(lambda o: None)
    hooks.freshness(lambda o: datetime.datetime(2019, 1, 1))
    assert hooks.last_modified(None) == datetime.datetime(2019, 1, 1)
    assert PageHooks("empty").last_modified(None) is None
