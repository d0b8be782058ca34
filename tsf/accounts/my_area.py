""""My area": one page that shows each person, per role, what is waiting for them.

Later stages add their panels without the accounts app importing them:

    from tsf.accounts import my_area

    @my_area.panel("promoter", order=10)
    def my_proposals(request):
        return {"template": "projects/panels/my_proposals.html", "proposals": ...}

A panel returns None when it has nothing to show. A panel of the role `EVERYONE` is shown to
every signed-in person, whatever their roles (e.g. an invitation waiting for them).

A query that every visit runs, whatever the person, can be a `tsf.core.statements.Statement`: the ORM
makes its SQL once per process, and each visit only puts the person's id and the time in it (making
the SQL again, subqueries and all, costs more than running it).
"""
from collections.abc import Callable
from dataclasses import dataclass


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
