"""The registry of record types that can be imported and exported as spreadsheets.

A record type describes one kind of record in a file: its columns (Chinese headers, an example
row), who may import or export it, how rows are validated and written (an `Importer`), and how
records are turned back into rows (an `Exporter`). The machinery in `exchange.engine` does
everything else: reading csv/xlsx, spotting numbers that Excel damaged, the row report,
all-or-nothing writes, masking, formula escaping, audit, background jobs and progress.

Registering a record type is a one-file affair, as with Django admin's `admin.py`: an app adds
`<app>/exchange.py`, which calls `register(RecordType(...))` at import. `discover()` imports
every installed app's `exchange` module once (`ExchangeConfig.ready`); an app without one is
fine, and an `exchange.py` that fails to import stops the start-up with its own error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from accounts import pii

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


@dataclass(frozen=True)
class Column:
    """One column of a file.

    `header` is the exact Chinese header in the file (not translated: it is the file format).
    `text` marks identifiers (mobile, ID, codes) that must be read as text: numeric cells that
    Excel turned into floats (`.0`) or scientific notation are reported instead of stored.
    `zero_padded` is the fixed length of a code that may start with zeros: a shorter all-digit
    value is reported as having lost its leading zeros. `pii` ("mobile" or "id_number") marks a
    personal identifier masked in exports unless the exporter holds `accounts.view_pii`.
    """

    key: str
    header: str
    required: bool = False
    text: bool = False
    zero_padded: int | None = None
    example: str = ""
    pii: str = ""
    help: str = ""


@dataclass(slots=True)
class Row:
    """One data row of a file: its spreadsheet row number (the header is row 1), raw text
    values by column key, the errors found, and what the importer made of it."""

    number: int
    values: dict[str, str]
    numeric: frozenset[str] = frozenset()
    errors: list[tuple[str, str]] = field(default_factory=list)
    data: Any = None
    action: str = ""

    def error(self, column: Column | str, message: str) -> None:
        header = column.header if isinstance(column, Column) else column
        self.errors.append((header, str(message)))

    def has_error(self, column: Column) -> bool:
        return any(header == column.header for header, _message in self.errors)


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Validates and writes rows of one record type, a chunk at a time.

    The engine creates one importer per run with the acting user, feeds it chunks of rows
    (`chunk_size`) whose generic cell checks (required, text identifiers) are done, and after
    every row is checked calls `write()` once inside a transaction with the valid rows only.
    `clean_chunk` records problems with `row.error(column, message)` and puts what `write`
    needs in `row.data`; it sets `row.action` to "create", "update" or "unchanged" so a
    re-import of the same file changes nothing (idempotent by the natural key).
    """

    chunk_size: ClassVar[int] = 1000

    def __init__(self, actor: User) -> None:
        self.actor = actor

    def clean_chunk(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def write(self, rows: list[Row]) -> WriteCounts:
        raise NotImplementedError


class Exporter:
    """Turns the records an exporter may see into rows keyed by column key.

    `reveal` is True only when the exporter holds `accounts.view_pii`; the engine audits such
    exports. Values are escaped against spreadsheet formulas by the engine, not here.
    """

    def __init__(self, actor: User, reveal: bool) -> None:
        self.actor = actor
        self.reveal = reveal

    def queryset(self) -> QuerySet[Any] | Sequence[Any]:
        """The records to export, already scoped to `self.actor`: a QuerySet (iterated in
        chunks), or a list for exports computed in memory (leaderboards, reports)."""
        raise NotImplementedError

    def rows(self, objects: Iterable[Any]) -> Iterator[dict[str, object]]:
        raise NotImplementedError

    def id_number(self, person: User) -> str:
        """A person's ID number as this export may show it: in full only when `reveal`."""
        if not self.reveal:
            return person.id_number_masked
        return pii.decrypt(person.id_number_cipher) if person.id_number_cipher else ""


@dataclass(frozen=True)
class RecordType:
    """A kind of record that can be exchanged as a spreadsheet.

    `can_import` / `can_export` say who may (scope within that is the importer's and exporter's
    business, e.g. an enterprise admin imports only her organization's people). `importer`
    None makes the record type export-only; `exporter` None makes it import-only.
    """

    key: str
    label: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    importer: type[Importer] | None = None
    exporter: type[Exporter] | None = None
    can_import: Callable[[User], bool] = lambda user: False
    can_export: Callable[[User], bool] = lambda user: False
    description: str = ""
    extra_columns_allowed: bool = True

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def importable_by(self, user: User) -> bool:
        return self.importer is not None and user.is_authenticated and bool(self.can_import(user))

    def exportable_by(self, user: User) -> bool:
        return self.exporter is not None and user.is_authenticated and bool(self.can_export(user))


_registry: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    """Add a record type under its key; returns it. Two record types with one key are a
    configuration error (ImproperlyConfigured), not a silent replacement."""
    if record_type.key in _registry:
        raise ImproperlyConfigured(f"A record type with the key {record_type.key!r} is already registered.")
    _registry[record_type.key] = record_type
    return record_type


def unregister(key: str) -> None:
    """Remove a record type (tests that register their own); an unknown key is ignored."""
    _registry.pop(key, None)


def discover() -> None:
    """Import every installed app's `exchange` module, in INSTALLED_APPS order, so each registers
    its record types. Apps without one are skipped; an import error inside one is raised."""
    autodiscover_modules("exchange")


def all_record_types() -> list[RecordType]:
    """Every registered record type, in the order the apps registered them."""
    return list(_registry.values())


def get_record_type(key: str) -> RecordType | None:
    return _registry.get(key)
