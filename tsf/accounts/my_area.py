""""My area": one page that shows each person, per role, what is waiting for them.

Later stages add their panels without the accounts app importing them:

    from tsf.accounts import my_area

    @my_area.panel("promoter", order=10)
    def my_proposals(request):
        return {"template": "projects/panels/my_proposals.html", "proposals": ...}

A panel returns None when it has nothing to show. A panel of the role `EVERYONE` is shown to
every signed-in person, whatever their roles (e.g. an invitation waiting for them).

A query that every visit runs, whatever the person, can be a `Statement`: the ORM makes its SQL
once per process, and each visit only puts the person's id and the time in it (making the SQL
again, subqueries and all, costs more than running it).
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections


@dataclass(frozen=True)
class Panel:
    role: str
    order: int
    func: Callable


EVERYONE = "*"

_panels: list[Panel] = []


def panel(role: str, order: int = 50):
    def decorator(func):
        if not any(p.func is func for p in _panels):
            _panels.append(Panel(role, order, func))
        return func

    return decorator


def panels_for(request) -> list[dict]:
    out = []
    for p in sorted(_panels, key=lambda p: (p.order, p.role)):
        if p.role == EVERYONE or request.user.has_role(p.role):
            data = p.func(request)
            if data:
                out.append({"role": p.role, **data})
    return out


# Values no visit has: they mark, in a statement's parameters, where the person's id and the time go.
USER = -7_000_000_017
NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC)
TODAY = datetime.date(1901, 2, 3)


class Statement:
    """`build(USER, NOW, TODAY)` returns a queryset (of `values_list()`); `rows(user_id, now, today)`
    runs its SQL with the person's id, the time and the day in place of the marks, and returns the
    rows as tuples, converted as the ORM would."""

    def __init__(self, build: Callable):
        self._build = build
        self._made = {}

    def _made_for(self, connection):
        made = self._made.get(connection.alias)
        if made is None:
            query = self._build(USER, NOW, TODAY)
            compiler = query.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            marks = {USER: "user", connection.ops.adapt_datetimefield_value(NOW): "now",
                     connection.ops.adapt_datefield_value(TODAY): "today"}
            kinds = tuple(marks.get(p) if isinstance(p, int | str | datetime.date) else None for p in params)
            made = self._made[connection.alias] = (compiler, sql, tuple(params), kinds)
        return made

    def rows(self, user_id: int, now: datetime.datetime | None = None, today: datetime.date | None = None,
             using: str = "default") -> list[tuple]:
        connection = connections[using]
        compiler, sql, params, kinds = self._made_for(connection)
        given = {"user": user_id, "now": connection.ops.adapt_datetimefield_value(now),
                 "today": connection.ops.adapt_datefield_value(today)}
        values = [p if kind is None else given[kind] for p, kind in zip(params, kinds, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        # the ORM's own conversions of the values (dates, decimals and booleans on SQLite...)
        return list(compiler.results_iter(results=[rows], tuple_expected=True))
