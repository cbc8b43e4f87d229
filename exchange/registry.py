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

A record type may take a context (`RecordType.context`, the key of a `ContextKind` its app
registers with `register_context`): the contest, selection round, cohort or city a page works
in. The page links to the exchange with the context's reference; `resolve_context` turns the
reference into the object only if the person may use it (the owning app's selectors decide),
the job keeps the reference, and the importer and exporter receive the object. On import, the
column the context fixes (`context_column`) may be left out of the file; a row naming anything
else is refused, so a file for contest A cannot write into contest B.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django_stubs_ext import StrPromise

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


class Importer(ABC):
    """Validates and writes rows of one record type, a chunk at a time.

    The engine creates one importer per run with the acting user, feeds it chunks of rows
    (`chunk_size`) whose generic cell checks (required, text identifiers) are done, and after
    every row is checked calls `write()` once inside a transaction with the valid rows only.
    `clean_chunk` records problems with `row.error(column, message)` and puts what `write`
    needs in `row.data`; it sets `row.action` to "create", "update" or "unchanged" so a
    re-import of the same file changes nothing (idempotent by the natural key).
    """

    chunk_size: ClassVar[int] = 1000

    def __init__(self, actor: User, context: Any = None) -> None:
        """`context` is the object the import is limited to (None without one); the engine has
        already fixed the record type's `context_column` of every row to it."""
        self.actor = actor
        self.context = context

    @abstractmethod
    def clean_chunk(self, rows: list[Row]) -> None:
        """Check a chunk of rows against the database and each other; fill `row.data`/`row.action`."""

    @abstractmethod
    def write(self, rows: list[Row]) -> WriteCounts:
        """Write the valid rows (called once, inside the import's transaction)."""


class Exporter(ABC):
    """Turns the records an exporter may see into rows keyed by column key.

    `reveal` is True only when the exporter holds `accounts.view_pii`; the engine audits such
    exports. Values are escaped against spreadsheet formulas by the engine, not here. `context`
    is the object the export is limited to (None without one): `queryset()` must keep to it.
    """

    def __init__(self, actor: User, reveal: bool, context: Any = None) -> None:
        self.actor = actor
        self.reveal = reveal
        self.context = context

    @abstractmethod
    def queryset(self) -> QuerySet[Any] | Sequence[Any]:
        """The records to export, already scoped to `self.actor`: a QuerySet (iterated in
        chunks), or a list for exports computed in memory (leaderboards, reports)."""

    @abstractmethod
    def rows(self, objects: Iterable[Any]) -> Iterator[dict[str, object]]:
        """One dict per record, keyed by column key (values unescaped: the engine escapes)."""

    def id_number(self, person: User) -> str:
        """A person's ID number as this export may show it: in full only when `reveal`."""
        if not self.reveal:
            return person.id_number_masked
        return pii.decrypt(person.id_number_cipher) if person.id_number_cipher else ""


@dataclass(frozen=True)
class ContextKind:
    """A kind of thing an import or export can be limited to, registered by the app that owns it.

    `resolve(actor, ref)` turns the reference a page passes (a contest's slug, a round's id) into
    the object, raising Http404, ObjectDoesNotExist, ValueError or PermissionDenied when there
    is none or the actor may not use it: it is the owning app's access check (its selectors).
    `cell_values(obj)` are the texts a file may write in a context column to name the object,
    the first one unique (a contest: slug, then title); needed only by record types with a
    `context_column`.
    """

    key: str
    label: str | StrPromise
    resolve: Callable[[User, str], Any]
    cell_values: Callable[[Any], tuple[str, ...]] | None = None


@dataclass(frozen=True)
class RecordType:
    """A kind of record that can be exchanged as a spreadsheet.

    `can_import` / `can_export` say who may (scope within that is the importer's and exporter's
    business, e.g. an enterprise admin imports only her organization's people). `importer`
    None makes the record type export-only; `exporter` None makes it import-only.

    `context` names the `ContextKind` it may be limited to (None: it takes none);
    `context_required` makes it usable only within one (it is reached from that context's page,
    not listed on the exchange page); `context_column` is the column a context fixes on import.
    """

    key: str
    label: str | StrPromise
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    importer: type[Importer] | None = None
    exporter: type[Exporter] | None = None
    can_import: Callable[[User], bool] = lambda user: False
    can_export: Callable[[User], bool] = lambda user: False
    description: str | StrPromise = ""
    extra_columns_allowed: bool = True
    context: str | None = None
    context_required: bool = False
    context_column: str | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def file_columns(self, context: Any = None) -> tuple[Column, ...]:
        """The columns of a template: all of them, less the one a context fixes."""
        if context is None or self.context_column is None:
            return self.columns
        return tuple(c for c in self.columns if c.key != self.context_column)

    def importable_by(self, user: User) -> bool:
        return self.importer is not None and user.is_authenticated and bool(self.can_import(user))

    def exportable_by(self, user: User) -> bool:
        return self.exporter is not None and user.is_authenticated and bool(self.can_export(user))


_registry: dict[str, RecordType] = {}
_contexts: dict[str, ContextKind] = {}


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


def register_context(kind: ContextKind) -> ContextKind:
    """Add a context kind under its key; returns it. A second kind with one key is an error."""
    if kind.key in _contexts:
        raise ImproperlyConfigured(f"A context kind with the key {kind.key!r} is already registered.")
    _contexts[kind.key] = kind
    return kind


def context_kind(key: str) -> ContextKind:
    """The registered context kind named by a record type (ImproperlyConfigured if none is)."""
    try:
        return _contexts[key]
    except KeyError:
        raise ImproperlyConfigured(f"No context kind {key!r} is registered.") from None


def resolve_context(record_type: RecordType, actor: User, ref: str) -> Any:
    """The object `ref` names for this record type, if `actor` may use it; None for an empty ref.

    Raises PermissionDenied (in Chinese) when the record type takes no context, needs one and
    got none, or the owning app's resolver finds nothing the actor may use: a person learns no
    more about a contest she may not manage than about one that does not exist.
    """
    if not ref:
        if record_type.context_required:
            raise PermissionDenied(_("该数据只能从所属页面导入或导出。"))
        return None
    if record_type.context is None:
        raise PermissionDenied(_("该数据不能按范围导入或导出。"))
    kind = context_kind(record_type.context)
    try:
        return kind.resolve(actor, ref)
    except (Http404, ObjectDoesNotExist, ValueError, TypeError, PermissionDenied):
        raise PermissionDenied(_("找不到该%(kind)s，或您不能在其中导入导出数据。") % {"kind": kind.label}) from None


def discover() -> None:
    """Import every installed app's `exchange` module, in INSTALLED_APPS order, so each registers
    its record types. Apps without one are skipped; an import error inside one is raised."""
    autodiscover_modules("exchange")


def all_record_types() -> list[RecordType]:
    """Every registered record type, in the order the apps registered them."""
    return list(_registry.values())


def get_record_type(key: str) -> RecordType | None:
    return _registry.get(key)
