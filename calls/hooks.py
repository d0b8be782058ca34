"""Sections that later stages add to the public call page, so that calls imports none of them.

    from calls.hooks import call_page

    @call_page.section(order=10)
    def rankings(request, call):
        decisions = list(published_rankings(call))
        if not decisions:
            return None
        return {"template": "assessment/call_page/rankings.html", "decisions": decisions}

The call page includes each section's template with the dict as `section` (and `call` in the
context). The call page sends anonymous visitors an ETag and answers 304: a section says when
what it shows last changed with a freshness function, which gets the call's pk:

    @call_page.freshness
    def rankings_changed(call_pk):
        return Decision.objects.filter(round__call_id=call_pk).aggregate(m=Max("published_at"))["m"]
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Entry:
    order: int
    func: Callable


class PageHooks:
    """A small registry of page sections: functions (request, obj) -> dict | None, and of
    freshness functions (key) -> datetime | None (the key is the page object's pk)."""

    def __init__(self, name: str):
        self.name = name
        self._sections: list[_Entry] = []
        self._freshness: list[Callable] = []

    def section(self, order: int = 50):
        def decorator(func):
            if not any(e.func is func for e in self._sections):
                self._sections.append(_Entry(order, func))
            return func

        return decorator

    def freshness(self, func):
        if func not in self._freshness:
            self._freshness.append(func)
        return func

    def sections_for(self, request, obj) -> list[dict]:
        out = []
        for entry in sorted(self._sections, key=lambda e: e.order):
            data = entry.func(request, obj)
            if data:
                out.append(data)
        return out

    def last_modified(self, key):
        """The latest of the registered freshness functions' answers, or None."""
        stamps = [d for d in (f(key) for f in self._freshness) if d is not None]
        return max(stamps) if stamps else None


call_page = PageHooks("call_page")
