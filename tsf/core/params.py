"""Object ids read from a query string or a form (`?report=12`, a "remove" button's value).

Anything but a positive whole number that fits a database id (a typo, `abc`, `1e3`, `-1`, a huge
number) is an address that names nothing: 404, like an unknown id, never a server error."""
from django.core.exceptions import ValidationError
from django.forms import IntegerField
from django.http import Http404
from django.shortcuts import get_object_or_404

_ID = IntegerField(min_value=1, max_value=2**63 - 1)


def object_id(value):
    """The id in `value`, or None when it is empty or not an id."""
    if value in (None, ""):
        return None
    try:
        return _ID.clean(value)
    except ValidationError:
        return None


def object_or_404(queryset_or_model, value, **filters):
    """The object whose id is `value` (and that matches `filters`), or 404."""
    pk = object_id(value)
    if pk is None:
        raise Http404
    return get_object_or_404(queryset_or_model, pk=pk, **filters)
