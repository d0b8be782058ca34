"""One way to run a query that a page asks on every request without building it again each time.

The ORM spends about half a millisecond building and compiling a query; for a query whose SQL is the
same on every request but for a few values (the person's id, the day, a call), that is most of its
cost. A `Statement` builds its queryset once per process, database, language (`translated()` columns
depend on it) and shape (which values are None: a filter left out), with a stand-in for each value
that no request has, finds where the stand-ins went in the parameters, and then runs the same SQL
with each request's values in their place:

    ROWS = Statement(lambda user, today: Grant.objects.filter(...).values_list(...),
                     user=-7_000_000_017, today=datetime.date(1111, 1, 1))
    ROWS.rows(user=request.user.pk, today=timezone.localdate())   # tuples, as values_list() gives them
    ROWS.sql(user=...)                                             # (sql, params), e.g. for raw()
    ROWS.rows(window=(50, 25), user=...)                           # a page: 25 rows from the 51st

A page's rows (`window`, for an unsliced queryset) are the backend's LIMIT and OFFSET added to the
same SQL: one statement for every page, as the queryset's `[offset:offset + limit]` would read.

A stand-in must be a value the field can hold (the ORM drops a comparison with a number out of the
field's range from the SQL), and one that no row has.

`rows()` gives what the queryset's own `values_list()` would (the same columns in the same order, the
ORM's conversions of dates, decimals and booleans on SQLite). Only for querysets whose SQL depends on
nothing but those values, the language and settings that do not change while the process runs; a
value derived from another (a day 45 days later) is a value of its own. `tests/tsf/test_statements.py`
checks the rows against the queryset's; each user of it compares its own.
"""
import datetime

from django.core.signals import setting_changed
from django.db import connections
from django.db.models.query import ValuesListIterable
from django.utils.translation import get_language

_ALL = []


class Statement:
    def __init__(self, build, **stand_ins):
        self._build = build
        self._stand_ins = stand_ins
        self._made = {}
        _ALL.append(self)

    def _adapt(self, connection, value):
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return connection.ops.adapt_datefield_value(value)
        return value

    def _made_for(self, connection, nones):
        key = (connection.alias, get_language(), nones)
        made = self._made.get(key)
        if made is None:
            qs = self._build(**{name: None if name in nones else value for name, value in self._stand_ins.items()})
            compiler = qs.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            where = {self._adapt(connection, value): name
                     for name, value in self._stand_ins.items() if name not in nones}
            slots = tuple(where.get(p) if isinstance(p, int | str | datetime.date) and not isinstance(p, bool)
                          else None for p in params)
            missing = set(where.values()) - set(slots)
            if missing:
                raise ValueError(f"the statement's SQL does not use {sorted(missing)}")
            made = self._made[key] = (qs, compiler, sql, tuple(params), slots)
        return made

    def sql(self, using="default", **values):
        """The statement's SQL and its parameters with these values."""
        sql, params, _made = self._run_args(using, values)
        return sql, params

    def _run_args(self, using, values):
        if set(values) != set(self._stand_ins):
            raise TypeError(f"give {sorted(self._stand_ins)}")
        connection = connections[using]
        nones = frozenset(name for name, value in values.items() if value is None)
        made = self._made_for(connection, nones)
        _qs, _compiler, sql, params, slots = made
        given = {name: self._adapt(connection, value) for name, value in values.items()}
        return sql, [p if slot is None else given[slot] for p, slot in zip(params, slots, strict=True)], made

    def rows(self, using="default", *, window=None, **values) -> list[tuple]:
        """The rows of the queryset's `values_list()` with these values; `window=(offset, limit)`:
        those of its `[offset:offset + limit]`."""
        sql, params, (qs, compiler, _sql, _params, _slots) = self._run_args(using, values)
        if qs._iterable_class is not ValuesListIterable:
            raise TypeError("rows() needs a values_list() queryset with Django's own iterable "
                            "(a translated model's manager: .rewrite(False))")
        if window is not None:
            offset, limit = (int(n) for n in window)
            if qs.query.is_sliced or offset < 0 or limit <= 0:
                raise ValueError("a window is an offset (0 or more) and a limit (1 or more) of an unsliced queryset")
            sql = f"{sql} {connections[using].ops.limit_offset_sql(offset, offset + limit)}"
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        # the ORM's own conversions (dates, decimals and booleans on SQLite...), as values_list() applies them
        return [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]

    def forget(self):
        self._made.clear()


def _forget_all(**_kwargs):
    for statement in _ALL:
        statement.forget()


setting_changed.connect(_forget_all, dispatch_uid="tsf.core.statements")


def columns(model, names=None) -> list[str]:
    """The attribute names of the model's concrete fields (only those in `names` when given), in the model's
    own order: the columns a statement reads with `values_list()` to make instances with `instances()`."""
    return [f.attname for f in model._meta.concrete_fields if names is None or f.attname in names]


def instances(row, *parts) -> list:
    """The model instances in a statement's row whose columns are those of `parts`, one part after the
    other: each `(model, columns)` made with `Model.from_db`, as `select_related()` and `only()` make them
    (columns after the last part are left to the caller)."""
    made, start = [], 0
    for model, names in parts:
        made.append(model.from_db("default", names, row[start:start + len(names)]))
        start += len(names)
    return made
