"""A save over a newer version changes nothing (tsf.core.versioning), proven on a form as rendered.

    assert_conflict_keeps_text(mine=promoter_client, theirs=other_client, url=edit_url,
                               field="legal_name", state=lambda: Organisation.objects.values().get(pk=pk),
                               who="Olga Other")

Both "tabs" read the form; the other one saves first (applied); then this one saves over it: the
page answers with what this person typed kept in the field, the other person's value and name in
the message, and the database exactly as the other save left it. Saving again from that page (the
person has merged) is applied.
"""
from html import escape

from tests.forms_as_rendered import form_from_response, read_form


def assert_conflict_keeps_text(*, mine, theirs, url, field, state, who, button=None, their_value=None,
                               my_value=None, saved=(302,), which=None, after_merge=None):
    which = which or {"field": field}
    their_value = their_value or "Valore salvato dall'altra persona"
    my_value = my_value or "Testo scritto nella scheda vecchia"
    my_tab = read_form(mine, url, **which)
    their_tab = read_form(theirs, url, **which)
    their_tab[field] = their_value
    response = their_tab.submit(button)
    assert response.status_code in saved, response.content.decode()[:3000]
    before = state()
    my_tab[field] = my_value
    response = my_tab.submit(button)
    html = response.content.decode()
    assert response.status_code == 200, f"answered {response.status_code}"
    assert state() == before, "the save over a newer version changed the data"
    assert escape(my_value, quote=False) in html or escape(my_value) in html, "the person's text is gone"
    assert escape(their_value, quote=False) in html or escape(their_value) in html, "the other value is not shown"
    assert escape(who) in html, "the message does not say who saved"
    # Merged and saved again: applied.
    merged = form_from_response(mine, response, url=url, **which)
    assert merged[field] == my_value
    response = merged.submit(button)
    assert response.status_code in saved, response.content.decode()[:3000]
    if after_merge is not None:
        after_merge()
    return html
