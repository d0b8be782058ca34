"""The committee's pages in Italian agree in number with what they count ("1 assegnazione")."""
import pytest
from django.utils import translation

from tests.assessment.factories import make_proposal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("proposals", "message"), [
    (1, "1 assegnazione effettuata."),
    (2, "2 assegnazioni effettuate."),
])
def test_automatic_assignments_are_counted_in_italian(client, rnd, staff_user, proposals, message):
    for _ in range(proposals):
        make_proposal(rnd.call)
    client.force_login(staff_user)
    with translation.override("it"):
        response = client.post(f"/assessment/staff/rounds/{rnd.pk}/assignments/", {"auto-per_proposal": 1, "auto": "1"},
                               follow=True)
    page = response.content.decode()
    assert '<html lang="it">' in page and message in page

