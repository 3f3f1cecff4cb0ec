"""Workbooks built to exhaust a reader (issue 16, item 5), made in milliseconds.

A huge run of one repeated piece is deflated once and its compressed bytes repeated:
after a full flush a deflate stream refers to nothing before it, so the copies form a
valid stream that unpacks to the whole run. The zip around the entries is written here
(local headers, central directory, end record), since zipfile would deflate the whole
run itself, taking seconds. benchmarks/input_limits.py uses the same files.
"""

from __future__ import annotations

import base64
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OOXML}.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>team</t></is></c></row>'
)
ONE_STRING = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1">'
    "<si><t>x</t></si></sst>"
)
# zlib.crc32 of 2 GiB of spaces between SHEET_HEAD and SHEET_TAIL below, as
# benchmarks/input_limits.py computes it (1.6 s) and checks.
WHITESPACE_CRC = 0x401DAE4E


@dataclass(frozen=True)
class Entry:
    """A zip entry: its name, unpacked size and CRC, and its raw deflate bytes."""

    name: str
    size: int
    crc: int
    deflated: bytes


def _deflate(data: bytes, final: bool) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def entry(name: str, text: str) -> Entry:
    data = text.encode()
    return Entry(name, len(data), zlib.crc32(data), _deflate(data, final=True))


def repeated(
    name: str, head: str, piece: bytes, copies: int, tail: str, crc: int | None = None
) -> Entry:
    """An entry: head, `copies` of `piece`, tail; `crc` when known (else computed)."""
    head_bytes, tail_bytes = head.encode(), tail.encode()
    packed_piece = _deflate(piece, final=False)
    deflated = (
        _deflate(head_bytes, final=False) + packed_piece * copies + _deflate(tail_bytes, final=True)
    )
    if crc is None:
        crc = zlib.crc32(head_bytes)
        for _ in range(copies):
            crc = zlib.crc32(piece, crc)
        crc = zlib.crc32(tail_bytes, crc)
    size = len(head_bytes) + len(piece) * copies + len(tail_bytes)
    return Entry(name, size, crc, deflated)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """A zip of already deflated entries (no zip64: each under 4 GiB)."""
    body, directory = bytearray(), bytearray()
    for item in entries:
        name = item.name.encode()
        fields = (20, 0, 8, 0, 0, item.crc, len(item.deflated), item.size, len(name), 0)
        directory += (
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, len(body)) + name
        )
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + name + item.deflated
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))
    return path


def workbook(path: Path, sheet: Entry, strings: Entry | None = None) -> Path:
    """An .xlsx holding `sheet` (and `strings` as its shared strings)."""
    parts = [
        entry("[Content_Types].xml", CONTENT_TYPES),
        entry("_rels/.rels", PACKAGE_RELS),
        entry("xl/workbook.xml", WORKBOOK),
        entry("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        sheet,
        strings or entry("xl/sharedStrings.xml", ONE_STRING),
    ]
    return write_zip(path, parts)


SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
MIB = 1 << 20


def noise(size: int, seed: int = 16) -> str:
    """An XML comment of `size` characters that does not compress (so the entry's ratio
    stays honest and the count, not the ratio, is what refuses it)."""
    junk = random.Random(seed).randbytes(size * 3 // 4)
    return f"<!--{base64.b64encode(junk).decode()}-->"


def sheet(body: str, head: str = SHEET_HEAD) -> Entry:
    return entry("xl/worksheets/sheet1.xml", head + HEADER_ROW + body + SHEET_TAIL)


def whitespace_bomb(path: Path, gib: int = 2) -> Path:
    """A 2 MB workbook whose sheet unpacks to `gib` GiB of spaces (the issue's 39 s, 4.3 GB)."""
    copies = gib * 1024
    crc = WHITESPACE_CRC if gib == 2 else None
    ws = repeated(
        "xl/worksheets/sheet1.xml", SHEET_HEAD + HEADER_ROW, b" " * MIB, copies, SHEET_TAIL, crc
    )
    return workbook(path, ws)


def shared_strings(path: Path, count: int, pad: int = 0) -> Path:
    """A workbook with `count` shared strings whose <sst> says there is one; with `pad`
    characters of noise so the entry does not look like a zip bomb."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1">'
    piece = b"<si><t>x</t></si>" * 10_000
    strings = repeated(
        "xl/sharedStrings.xml", head + (noise(pad) if pad else ""), piece, count // 10_000, "</sst>"
    )
    return workbook(path, sheet(""), strings)


def empty_rows(path: Path, count: int, pad: int = 0) -> Path:
    """A workbook whose sheet has `count` empty rows (no row numbers), after the header."""
    ws = repeated(
        "xl/worksheets/sheet1.xml",
        SHEET_HEAD + HEADER_ROW + (noise(pad) if pad else ""),
        b"<row/>" * 10_000,
        count // 10_000,
        SHEET_TAIL,
    )
    return workbook(path, ws)
