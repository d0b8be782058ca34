"""The helpers of the table rows written in Python: each row's address is the one `reverse()` gives."""
from django.urls import reverse
from django.utils import translation

from tsf.core.rows import addresses, esc


def test_each_rows_address_is_reverses_in_both_languages():
    for language in ("it", "en"):
        with translation.override(language):
            proposal, call = addresses("projects:proposal"), addresses("projects:staff_proposals", key="slug")
            for pk in (1, 42, 7000000301):
                assert proposal(pk) == reverse("projects:proposal", kwargs={"pk": pk})
            assert call("bando-2018") == reverse("projects:staff_proposals", kwargs={"slug": "bando-2018"})


def test_values_are_escaped_as_text():
    assert esc('Ștefan & "Łódź" <b>') == "Ștefan &amp; &quot;Łódź&quot; &lt;b&gt;"
    assert esc(None) == "None" and esc(3) == "3"
