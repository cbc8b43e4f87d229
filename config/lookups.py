"""Integer lookups that match nothing for a value the column cannot hold, instead of crashing.

Django (5.0+) already turns `pk=2**63` on an integer column into an empty result. Two lookups
were left out, and every form and admin in the project reaches them with user input:
- `__in` on an integer column (a ModelMultipleChoiceField, the Django admin's and Wagtail's
  filters, `pk__in=[...]`),
- `exact`/`in` through a relation (`page_ptr=...`, `owner=...`, a ForeignKey filter or a
  ModelChoiceField on a model whose key is a OneToOneField).
Both sent the number to the driver: OverflowError on SQLite, DataError ("out of range") on
PostgreSQL, a 500 for the person who typed it. Registered here on IntegerField and on
ForeignObject, they drop out-of-range values from `__in` and answer "no rows" for `exact`, the
rule Django uses for plain columns. The range is the database's own for the target column
(`connection.ops.integer_field_range`).

Imported (so registered) by config.converters, which every urls module imports.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import Exact, In


def _column_range(field: Any, connection: Any) -> tuple[int | None, int | None]:
    """The (min, max) the database holds in this integer column, following relations to the
    column they point at; (None, None) when the column is not an integer."""
    seen = 0
    while getattr(field, "is_relation", False) and getattr(field, "target_field", None) is not None and seen < 8:
        field = field.target_field
        seen += 1
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except (KeyError, AttributeError):
        return None, None


def _out_of_range(value: object, bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return (low is not None and value < low) or (high is not None and value > high)


# The mixins derive from the lookup they extend so their `self` is typed; the method resolution
# order of the classes below is the same as with plain mixins (the mixin, then the lookup).
class _InRange(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            bounds = _column_range(self.lhs.output_field, connection)
            kept = [value for value in self.rhs if not _out_of_range(value, bounds)]
            if not kept:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


class _ExactInRange(Exact):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if _out_of_range(self.rhs, _column_range(self.lhs.output_field, connection)):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_InRange, In):
    pass


class BoundedRelatedIn(_InRange, RelatedIn):
    pass


class BoundedRelatedExact(_ExactInRange, RelatedExact):
    pass


IntegerField.register_lookup(IntegerFieldIn)
ForeignObject.register_lookup(BoundedRelatedIn)
ForeignObject.register_lookup(BoundedRelatedExact)
