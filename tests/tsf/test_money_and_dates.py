"""Money and dates as people read and type them: "80.000,00 €" and "1 novembre 2019" in Italian,
"€80,000.00" and "1 November 2019" in English (tsf.core.money, tsf/formats, locale_libraries)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from tsf.core.forms import AmountField
from tsf.core.money import euro, parse_amount


@pytest.mark.parametrize(("lang", "expected"), [("it", "80.000,00 €"), ("en", "€80,000.00")])
def test_euro_in_each_language(lang, expected):
    with translation.override(lang):
        assert euro(Decimal("80000")) == expected
        assert Template("{{ a|euro }}").render(Context({"a": Decimal("80000")})) == expected


def test_euro_without_cents_and_negative():
    with translation.override("it"):
        assert euro(Decimal("1680000"), 0) == "1.680.000 €"
        assert euro(Decimal("-1234.5")) == "-1.234,50 €"
    with translation.override("en"):
        assert euro(Decimal("-1234.5")) == "-€1,234.50"


@pytest.mark.parametrize(("typed", "amount"), [
    ("80.000,00", "80000.00"), ("80000,00", "80000.00"), ("85000.50", "85000.50"), ("€ 140.000", "140000"),
    ("1.500", "1500"), ("1.234.567,89", "1234567.89"), ("150,000.00", "150000.00"), ("7,5", "7.5"),
    ("140000 EUR", "140000"),
])
def test_amounts_typed_the_italian_way(typed, amount):
    with translation.override("it"):
        assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["abc", "1.2.3", "12,34,56", "1.23,4.5", "--5"])
def test_what_is_not_an_amount_is_refused(typed):
    with translation.override("it"):
        with pytest.raises(ValueError):
            parse_amount(typed)


def test_amount_field_renders_what_it_reads_back():
    field = AmountField()
    with translation.override("it"):
        html = field.widget.render("a", Decimal("140000.00"))
        assert 'value="140.000,00"' in html and 'inputmode="decimal"' in html
        assert field.clean("140.000,00") == Decimal("140000.00")
        with pytest.raises(Exception) as exc:
            field.clean("centomila")
        assert "ad es. 85.000,00" in str(exc.value)
    with translation.override("en"):
        assert 'value="140,000.00"' in field.widget.render("a", Decimal("140000.00"))
        assert field.clean("140,000.00") == Decimal("140000.00")


def test_dates_read_the_italian_way_lower_case():
    d = date(2019, 11, 1)
    when = datetime(2019, 11, 1, 9, 5, tzinfo=ZoneInfo("Europe/Rome"))
    with translation.override("it"):
        assert date_format(d) == "1 novembre 2019"
        assert date_format(d, "l j F Y") == "venerdì 1 novembre 2019"
        assert date_format(when, "DATETIME_FORMAT") == "1 novembre 2019, 09:05"
        assert Template("{{ d }}").render(Context({"d": d})) == "1 novembre 2019"
        assert date_format(d, "SHORT_DATE_FORMAT") == "01/11/2019"
    with translation.override("en"):
        assert date_format(d) == "1 November 2019"
        assert date_format(when, "DATETIME_FORMAT") == "1 November 2019, 09:05"


def test_no_page_uses_an_english_only_or_abbreviated_date_style():
    """One date style per kind of place: "j F Y" (with the weekday, "l j F Y", for events), the
    short numeric one in dense staff lists; no "M" (capitalised abbreviations) nor "N"."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    bad = []
    for path in root.glob("**/templates/**/*"):
        if {".venv", "node_modules", "var"} & set(path.relative_to(root).parts) or not path.is_file():
            continue
        for fmt in re.findall(r"""\|date:["']([^"']+)["']""", path.read_text(encoding="utf-8")):
            if re.search(r"(?<!\\)[MNbDP]", fmt) and "FORMAT" not in fmt:
                bad.append(f"{path.relative_to(root)}: {fmt}")
    assert bad == []


def test_ids_render_without_thousands_separators_in_italian():
    """Ids go into names, query strings and data attributes: never "1.234"."""
    with translation.override("it"):
        assert Template('<a href="?report={{ pk }}" data-line="{{ pk }}">').render(Context({"pk": 1234})) == (
            '<a href="?report=1234" data-line="1234">')
