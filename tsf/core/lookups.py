"""Database lookups that behave the same on PostgreSQL and SQLite (the default install)."""
import json

from django.db.models import JSONField, Lookup


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
