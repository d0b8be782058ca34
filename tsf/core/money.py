"""Money as people read and type it, in the active language.

    euro(Decimal("80000"))        -> "80.000,00 €" (Italian), "€80,000.00" (English)
    parse_amount("80.000,00")     -> Decimal("80000.00"); also "80000,00", "80000.00", "€ 80.000"

Values that make a round trip through a page stay unlocalised (`|unlocalize`); these are for what
a person reads (pages, messages, e-mails) and what a person types (`tsf.core.forms.AmountField`).
"""
import re
from decimal import Decimal, InvalidOperation

from django.utils import formats, translation

_GROUPED = {".": re.compile(r"^\d{1,3}(\.\d{3})+$"), ",": re.compile(r"^\d{1,3}(,\d{3})+$")}


def number(value, decimal_pos=2) -> str:
    """A number with the active language's separators and thousands grouping: "80.000,00"."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def euro(value, decimal_pos=2) -> str:
    """An amount in euros as the active language writes it: "80.000,00 €" / "€80,000.00"."""
    if value is None or value == "":
        return ""
    shown = number(value, decimal_pos)
    lang = (translation.get_language() or "it").split("-")[0]
    if lang == "en":
        return f"-€{shown[1:]}" if shown.startswith("-") else f"€{shown}"
    return f"{shown} €"


def parse_amount(value) -> Decimal | None:
    """What a person typed as an amount, read in the active language (None when empty). Accepts the
    grouped and the plain form, and a dot for the decimals when it cannot be a thousands separator
    ("85000.50"). Raises ValueError when it is not an amount."""
    if value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    raw = re.sub(r"[\s\u00a0\u202f€]|EUR", "", str(value), flags=re.IGNORECASE)
    if not raw:
        return None
    decimal_sep = formats.get_format("DECIMAL_SEPARATOR")
    group_sep = "," if decimal_sep == "." else "."
    sign = ""
    if raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    if "," in raw and "." in raw:
        # Both: the last one holds the decimals, whatever the language ("150.000,00", "150,000.00").
        last = "," if raw.rfind(",") > raw.rfind(".") else "."
        other = "." if last == "," else ","
        whole, _sep, decimals = raw.rpartition(last)
        if other in decimals or not _GROUPED[other].match(whole):
            raise ValueError(value)
        raw = whole.replace(other, "") + "." + decimals
    elif decimal_sep in raw:
        if raw.count(decimal_sep) > 1:
            if not _GROUPED[decimal_sep].match(raw):  # "1,234,567" typed in the other convention
                raise ValueError(value)
            raw = raw.replace(decimal_sep, "")
        else:
            raw = raw.replace(decimal_sep, ".")
    elif group_sep in raw:
        if _GROUPED[group_sep].match(raw):
            raw = raw.replace(group_sep, "")
        elif raw.count(group_sep) == 1:
            raw = raw.replace(group_sep, ".")  # "85000.50": the other convention's decimals
        else:
            raise ValueError(value)
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", raw):
        raise ValueError(value)
    try:
        return Decimal(sign + raw)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
