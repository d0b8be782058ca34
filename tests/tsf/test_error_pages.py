import pytest

pytestmark = pytest.mark.django_db


def test_404_is_the_portals_own_page(client, english):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Torino Social Factory" in body
    assert "Nome Organizzazione" not in body and "Lorem" not in body


def test_403_is_the_portals_own_page(client, make_user, english):
    client.force_login(make_user(roles=["promoter"]))
    response = client.get("/en/staff/people/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Access denied" in body and "Go to my area" in body


def test_500_page_needs_no_database_and_speaks_both_languages():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Il servizio ha avuto un problema" in html and "Nothing already saved was lost" in html
