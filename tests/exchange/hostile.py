"""Hostile spreadsheets generated on the fly (nothing binary is committed), written through
zipfile's streaming writer so that building a 1.5 GB bomb keeps the test process small."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>手机号</t></is></c></row>'
)
EMPTY_STRINGS = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'


def sheet(rows: Iterable[str], *, dimension: str | None = None) -> Iterator[str]:
    """A worksheet's XML in pieces: an optional <dimension>, the header row, then `rows`."""
    yield SHEET_HEAD
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield HEADER_ROW
    yield from rows
    yield "</sheetData></worksheet>"


def workbook(
    path: Path,
    sheet_xml: Iterable[str | bytes],
    *,
    shared_strings: Iterable[str | bytes] = (EMPTY_STRINGS,),
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Write a minimal xlsx whose first sheet and shared strings are streamed from iterables."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, pieces in (("xl/worksheets/sheet1.xml", sheet_xml), ("xl/sharedStrings.xml", shared_strings)):
            with archive.open(name, "w", force_zip64=True) as member:
                for piece in pieces:
                    member.write(piece.encode() if isinstance(piece, str) else piece)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def sparse_far_cell(path: Path, cell: str, *, declared: bool) -> Path:
    """The header and one cell far away (XFD1048576, ZZ200000): calamine sizes the sheet as
    the whole rectangle up to it (512 GB for XFD1048576)."""
    row = "".join(ch for ch in cell if ch.isdigit())
    far = f'<row r="{row}"><c r="{cell}"><v>1</v></c></row>'
    return workbook(path, sheet([far], dimension=f"A1:{cell}" if declared else None))


def _member(name: str, data: bytes) -> tuple[str, int, int, list[bytes]]:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, zlib.crc32(data), len(data), [packer.compress(data) + packer.flush()]


def _write_zip(path: Path, members: list[tuple[str, int, int, list[bytes]]]) -> Path:
    """A zip written by hand from already-deflated pieces (sizes below 4 GB, no zip64)."""
    directory = b""
    with path.open("wb") as handle:
        for name, crc, size, pieces in members:
            offset = handle.tell()
            packed = sum(len(piece) for piece in pieces)
            encoded = name.encode()
            header = (20, 0, 8, 0, 0, crc, packed, size, len(encoded), 0)
            handle.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *header) + encoded)
            for piece in pieces:
                handle.write(piece)
            fields = (20, 20, 0, 8, 0, 0, crc, packed, size, len(encoded), 0, 0, 0, 0, 0, offset)
            directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, *fields) + encoded
        start = handle.tell()
        handle.write(directory)
        count = len(members)
        handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return path


def filled_workbook(path: Path, fill: bytes, megabytes: int) -> Path:
    """A valid xlsx whose sheet holds `megabytes` of `fill` between its rows (1.5 GB of spaces
    zips to 1.5 MB). One deflated megabyte is repeated (a full flush makes each copy start
    afresh), so building it costs a checksum pass, not 1.5 GB of compression."""
    parts = list(sheet([]))
    head, tail = "".join(parts[:-1]).encode(), parts[-1].encode()
    chunk = fill * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes * len(chunk) + len(tail)
    members = [
        _member("[Content_Types].xml", CONTENT_TYPES.encode()),
        _member("_rels/.rels", ROOT_RELS.encode()),
        _member("xl/workbook.xml", WORKBOOK.encode()),
        _member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
        ("xl/worksheets/sheet1.xml", crc, size, [first, *([block] * megabytes), last]),
        _member("xl/sharedStrings.xml", EMPTY_STRINGS.encode()),
    ]
    return _write_zip(path, members)


def nested_zip_bomb(path: Path, megabytes: int) -> Path:
    """A workbook carrying a zip of a zip of `megabytes` of zeros (a "deep" bomb)."""
    inner = path.with_suffix(".inner.zip")
    zeros = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(zeros)
    middle = path.with_suffix(".middle.zip")
    with zipfile.ZipFile(middle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(4):
            archive.write(inner, f"layer{n}.zip")
    data = middle.read_bytes()
    inner.unlink()
    middle.unlink()
    return workbook(path, sheet([]), extra={"xl/embeddings/oleObject1.bin": data})


def tiny_rows(path: Path, count: int, *, declared: bool = False) -> Path:
    """`count` rows of one number each after the header."""

    def rows() -> Iterator[str]:
        batch: list[str] = []
        for number in range(2, count + 2):
            batch.append(f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>')
            if len(batch) == 10_000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    return workbook(path, sheet(rows(), dimension=f"A1:B{count + 1}" if declared else None))


def shared_strings_bomb(path: Path, *, text_chars: int, cells: int, declared_count: int | None = None) -> Path:
    """One long shared string referenced by many cells: each cell becomes its own copy of the
    text when read, so a few MB of zip ask for gigabytes. `declared_count` lies about how many
    strings the table holds (some readers reserve room for that many up front)."""
    count = declared_count if declared_count is not None else 1
    strings = [
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
        f'uniqueCount="{count}"><si><t>',
        "测" * text_chars,
        "</t></si></sst>",
    ]
    width = 10

    def rows() -> Iterator[str]:
        for number in range(2, cells // width + 2):
            cells_xml = "".join(f'<c r="{chr(65 + c)}{number}" t="s"><v>0</v></c>' for c in range(width))
            yield f'<row r="{number}">{cells_xml}</row>'

    return workbook(path, sheet(rows()), shared_strings=strings)


def long_line_csv(path: Path, megabytes: int) -> Path:
    """A csv whose second line is `megabytes` long, written in 1 MB pieces."""
    piece = b"a" * (1 << 20)
    with path.open("wb") as handle:
        handle.write("姓名,手机号\n".encode())
        for _ in range(megabytes):
            handle.write(piece)
        handle.write(b",13700000001\n")
    return path
