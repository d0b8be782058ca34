"""The home page is made of sections that each stage contributes, so that the core imports no stage:

    from tsf.core import home

    @home.section(order=20)
    def latest_posts(request):
        return {"template": "blog/home/latest_posts.html", "posts": ...}

A section returns None when it has nothing to show. Figures (proposals received, teams incubated,
projects funded, euros awarded, people reached) are contributed the same way with `home.figure`.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Entry:
    order: int
    func: Callable


_sections: list[_Entry] = []
_figures: list[_Entry] = []


def _register(registry, order):
    def decorator(func):
        if not any(e.func is func for e in registry):
            registry.append(_Entry(order, func))
        return func

    return decorator


def section(order: int = 50):
    return _register(_sections, order)


def figure(order: int = 50):
    """A function (request) -> list of {"label": str, "value": str/int} for the figures band."""
    return _register(_figures, order)


def sections_for(request) -> list[dict]:
    out = []
    for entry in sorted(_sections, key=lambda e: e.order):
        data = entry.func(request)
        if data:
            out.append(data)
    return out


def figures_for(request) -> list[dict]:
    out = []
    for entry in sorted(_figures, key=lambda e: e.order):
        out.extend(entry.func(request) or [])
    return out
