"""Database lookups that behave the same on PostgreSQL and SQLite (the default install)."""
import functools
import json
import re

from django.db.backends.signals import connection_created
from django.db.models import JSONField, Lookup
from django.dispatch import receiver


@JSONField.register_lookup
class HasItem(Lookup):
    """`field__has_item=value`: the JSON list stored in `field` holds `value` (a string or a number).

    Django's `__contains=[value]` is PostgreSQL-only (SQLite answers "contains lookup is not
    supported on this database backend"); this lookup is `@>` on PostgreSQL and `json_each` on
    SQLite, so a page filtering on it works on both.
    """

    lookup_name = "has_item"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::jsonb", (*lhs_params, json.dumps([self.rhs]))

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # lhs is the compiled column reference, the value a parameter.
        return (f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)",  # noqa: S608
                (*lhs_params, self.rhs))


# Searching on SQLite (the default install): SQLite's LIKE, which Django uses for `icontains`, ignores
# case only for ASCII letters, so "ștefan" did not find "Ștefan Popescu" nor "città" "CITTÀ", while
# PostgreSQL's UPPER() finds them. SQLite lets a connection replace its like() function: this one ignores
# the case of every letter (Unicode), with LIKE's own wildcards and escape character.
@functools.lru_cache(maxsize=1024)
def _like_pattern(pattern: str, escape: str | None) -> re.Pattern:
    out, chars = [], iter(pattern)
    for char in chars:
        if escape and char == escape:
            out.append(re.escape(next(chars, "")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _sqlite_like(pattern, value, escape=None):
    if pattern is None or value is None:
        return None
    return _like_pattern(str(pattern), escape).fullmatch(str(value)) is not None


@receiver(connection_created)
def _unicode_like_on_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, _sqlite_like, deterministic=True)
        connection.connection.create_function("like", 3, _sqlite_like, deterministic=True)
