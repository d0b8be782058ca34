import pytest


@pytest.mark.django_db
def test_home_page_is_italian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="it">' in response.content.decode()
    assert "Salta al contenuto" in response.content.decode() or "Skip to content" in response.content.decode()
