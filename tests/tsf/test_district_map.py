from django.template.loader import render_to_string

from calls.geo import district_map, shapes


def test_the_eight_districts_are_drawn_with_their_names():
    drawn = shapes()
    assert [s.number for s in drawn] == list(range(1, 9))
    assert all(s.path.startswith("M") and s.path.endswith("Z") for s in drawn)
    assert drawn[5].path.count("M") >= 2  # district 6 has its exclave


def test_map_levels_follow_the_values_and_the_table_carries_the_numbers():
    m = district_map({6: 5, 1: 1})
    levels = {d.number: d.level for d in m.districts}
    assert levels[6] == 4 and levels[1] >= 1 and levels[2] == 0
    html = render_to_string("includes/district_map.html", {"district_map": m})
    assert html.count("<path") == 8
    assert "CC BY-SA 4.0" in html  # the licence asks for the credit
    assert '<th scope="row">Circoscrizione 6 - Barriera di Milano' in html
