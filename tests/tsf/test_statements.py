"""tsf.core.statements.Statement: the SQL made once, run again with each request's values, gives the
rows the queryset itself gives, in each language, with each value, with a filter left out for None."""
import datetime

import pytest
from django.utils import translation

from calls.models import District
from tsf.core.model_i18n import translated
from tsf.core.statements import Statement
from tsf.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notifications(user, since):
    qs = Notification.objects.order_by("pk")
    if user is not None:
        qs = qs.filter(recipient_id=user)
    return qs.filter(created_at__gte=since).values_list("pk", "title", "created_at", "read_at")


NOTIFICATIONS = Statement(_notifications, user=-7_000_000_017,
                          since=datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC))


def test_the_rows_are_those_of_the_queryset_with_each_value(make_user):
    ann, bob = make_user(), make_user()
    start = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)
    for i, who in enumerate([ann, bob, ann]):
        n = Notification.objects.create(recipient=who, title=f"Avviso {i}", body="", event="x")
        Notification.objects.filter(pk=n.pk).update(created_at=start + datetime.timedelta(days=i))
    for user in (ann.pk, bob.pk, None):
        for since in (start, start + datetime.timedelta(days=1), start + datetime.timedelta(days=5)):
            assert NOTIFICATIONS.rows(user=user, since=since) == list(_notifications(user, since))
    rows = NOTIFICATIONS.rows(user=ann.pk, since=start)
    assert [r[1] for r in rows] == ["Avviso 0", "Avviso 2"] and rows[0][2] == start and rows[0][3] is None


DISTRICTS = Statement(lambda number: District.objects.rewrite(False).filter(number__gte=number).order_by("number")
                      .values_list("number", translated("name")), number=32_123)


def test_translated_columns_follow_the_language():
    for language in ("it", "en", "it"):
        with translation.override(language):
            expected = list(District.objects.rewrite(False).filter(number__gte=3).order_by("number")
                            .values_list("number", translated("name")))
            assert DISTRICTS.rows(number=3) == expected and len(expected) == District.objects.filter(number__gte=3).count()


def test_a_value_the_sql_does_not_use_is_refused():
    unused = Statement(lambda number: District.objects.values_list("pk"), number=-7_000_000_017)
    with pytest.raises(ValueError):
        unused.rows(number=1)
    with pytest.raises(TypeError):
        DISTRICTS.rows()


def test_a_window_gives_the_rows_of_the_queryset_s_slice():
    def districts(number):
        return District.objects.rewrite(False).filter(number__gte=number).order_by("-number").values_list("pk", "number")

    statement = Statement(districts, number=32_123)
    assert District.objects.count() >= 5
    for offset, limit in ((0, 2), (2, 2), (3, 25), (100, 3)):
        assert statement.rows(window=(offset, limit), number=2) == list(districts(2)[offset:offset + limit])
    with pytest.raises(ValueError):
        statement.rows(window=(-1, 2), number=2)
    sliced = Statement(lambda number: districts(number)[:3], number=32_123)
    with pytest.raises(ValueError):
        sliced.rows(window=(0, 2), number=2)
