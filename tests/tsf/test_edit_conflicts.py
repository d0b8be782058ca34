"""The person's own profile and the roles staff give (tsf.core.versioning): a save over a newer
version changes nothing; the text stays on the page with what the other save changed, by whom."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.conflicts import assert_conflict_keeps_text
from tests.conftest import confirm_identity
from tests.forms_as_rendered import read_form
from tsf.accounts.models import User

pytestmark = pytest.mark.django_db


def _logged(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_profile_saved_over_a_newer_version_changes_nothing(make_user):
    person = make_user("paola@example.org", roles=["promoter"], full_name="Paola Rossi")
    url = reverse("accounts:profile")
    assert_conflict_keeps_text(mine=_logged(person), theirs=_logged(person), url=url, field="full_name",
                               state=lambda: User.objects.values("full_name", "language").get(pk=person.pk),
                               who="Paola Rossi Bianchi", their_value="Paola Rossi Bianchi",
                               my_value="Paola M. Rossi")
    assert User.objects.get(pk=person.pk).full_name == "Paola M. Rossi"


def test_roles_saved_over_a_newer_version_change_nothing(make_user, staff_user):
    other_staff = make_user("seconda@example.org", roles=["staff"], full_name="Sara Seconda")
    person = make_user("futuro@example.org", roles=["promoter"])
    mine, theirs = _logged(staff_user), _logged(other_staff)
    confirm_identity(mine)
    confirm_identity(theirs)
    url = reverse("accounts:person_roles", args=[person.pk])
    my_tab = read_form(mine, url, field="reason")
    their_tab = read_form(theirs, url, field="reason")
    their_tab.fields.append(["roles", "tutor", "checkbox"])
    their_tab["reason"] = "Tutor del laboratorio"
    assert their_tab.submit().status_code == 302
    # This tab still shows the old roles: saving it as it is would take the tutor role away again.
    my_tab.fields.append(["roles", "mentor", "checkbox"])
    my_tab["reason"] = "Mentore al camp"
    response = my_tab.submit()
    html = response.content.decode()
    assert response.status_code == 200 and "Sara Seconda" in html and "Mentore al camp" in html
    person = User.objects.get(pk=person.pk)
    assert person.roles == {"promoter", "tutor"}
    # Merged (both ticked) and saved again: applied.
    from tests.forms_as_rendered import form_from_response

    merged = form_from_response(mine, response, field="reason", url=url)
    merged.fields.append(["roles", "tutor", "checkbox"])
    assert merged.submit().status_code == 302
    assert User.objects.get(pk=person.pk).roles == {"promoter", "tutor", "mentor"}
