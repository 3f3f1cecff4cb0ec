"""What a programme prints on its certificates beside REFOCUS: the organisation's name,
the person who signs for it, and its logo, checked before it is kept."""

from __future__ import annotations

from dataclasses import dataclass

from refocus_cli.core.errors import InvalidInput

# refocus default: a logo is a small picture; a megabyte is far more than a sharp
# PNG or JPEG of a letterhead logo needs, and keeps every pack and backup small.
MAX_LOGO_BYTES = 1024 * 1024
LOGO_KINDS = ("png", "jpg", "svg")
_SVG_SNIFF = 2048


@dataclass(frozen=True)
class Logo:
    """A logo's bytes and its kind (png, jpg or svg), as found from the bytes."""

    data: bytes
    kind: str

    def file_name(self) -> str:
        """The name the document engine is given it under, e.g. logo.png."""
        return f"logo.{self.kind}"

    def words(self) -> str:
        """E.g. "PNG, 12 KB"."""
        return f"{self.kind.upper()}, {max(1, round(len(self.data) / 1024))} KB"


def logo_kind(data: bytes) -> str | None:
    """png, jpg or svg from a file's first bytes (not its name); None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    head = data[:_SVG_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in head:
        return "svg"
    return None


def check_logo(data: bytes, name: str) -> Logo:
    """A logo file's bytes, refused when too big or not a PNG, JPEG or SVG picture."""
    if not data:
        raise InvalidInput(f"--logo {name} is empty: give a PNG, JPEG or SVG picture")
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput(
            f"--logo {name} is over {MAX_LOGO_BYTES // 1024} KB: give a smaller picture "
            "(a logo for print needs far less)"
        )
    kind = logo_kind(data)
    if kind is None:
        raise InvalidInput(
            f"--logo {name} is not a PNG, JPEG or SVG picture (judged by its contents, not "
            "its name): save the logo in one of those"
        )
    return Logo(data, kind)


def parse_signatory(text: str) -> tuple[str, str]:
    """'NAME, ROLE' as typed for --signatory: the name and the role, both required."""
    name, comma, role = text.partition(",")
    name, role = " ".join(name.split()), " ".join(role.split())
    if not comma or not name or not role:
        raise InvalidInput(
            f'--signatory {text!r}: give the name and the role, e.g. "Dr Jo Bloggs, '
            'Director of Nursing"'
        )
    return name, role
