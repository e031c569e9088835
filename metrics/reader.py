"""Read documents from disk into text: .txt (any common Chinese encoding), .docx, .html.

Every failure is a :class:`ReadError` whose message names the problem; callers add the
path. Nothing here trusts the file: sizes are checked before reading, .docx archives are
checked before any member is expanded, and undecodable bytes are refused, not guessed.

>>> decode_bytes("讲话".encode("gb18030") * 20)[1]
'gb18030'
>>> decode_bytes("\\ufeff同志们".encode("utf-8"))
('同志们', 'utf-8-sig')
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .reflow import reflow

SUPPORTED_SUFFIXES = (".txt", ".docx", ".html", ".htm")


class ReadError(Exception):
    """A file could not be turned into text; the message says why."""


@dataclass(frozen=True)
class Limits:
    """Configurable guards against hostile or accidental input (bytes)."""

    max_file_bytes: int = 50 * 1024 * 1024           # a file larger than this is refused
    max_docx_uncompressed: int = 200 * 1024 * 1024   # sum of a .docx's expanded members
    max_docx_ratio: int = 200                        # expansion ratio of one member
    min_chars: int = 1                               # fewer non-space chars: "empty"


@dataclass(frozen=True)
class RawDocument:
    source: str
    file_name: str
    file_format: str  # txt | docx | html
    encoding: str | None
    text: str         # decoded; line ends normalised to "\n"


def read_document(path: Path, source: str | None = None, limits: Limits = Limits()) -> RawDocument:
    """Read one file. Raises ReadError with a human-readable reason."""
    source = source if source is not None else str(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise ReadError("is a folder, not a file (build reads folders: python -m metrics build FOLDER)")
    if not path.exists() and not path.is_symlink():
        raise ReadError("file not found")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ReadError("file not found (or a dangling symbolic link)") from None
    except OSError as exc:
        raise ReadError(f"cannot access file: {exc.strerror or exc}") from None
    if not path.is_file():
        raise ReadError("not a regular file")
    if st.st_size > limits.max_file_bytes:
        raise ReadError(f"file is {st.st_size:,} bytes, over the limit of {limits.max_file_bytes:,} bytes")
    if st.st_size == 0:
        raise ReadError("file is empty")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if suffix == ".docx":
        text, encoding, fmt = docx_text(data, limits), None, "docx"
    elif suffix in (".html", ".htm"):
        html, encoding = decode_bytes(data)
        text, fmt = html_text(html), "html"
    else:
        text, encoding = decode_bytes(data)
        fmt = "txt"
    text = normalise_line_ends(text)
    if fmt == "txt":
        text = reflow(text)  # a copy out of a PDF: its page-width lines become paragraphs
    if len(_SPACE.sub("", text)) < limits.min_chars:
        raise ReadError("file holds no text (empty or whitespace only)")
    return RawDocument(source=source, file_name=path.name, file_format=fmt, encoding=encoding, text=text)


def normalise_line_ends(text: str) -> str:
    r"""CRLF and lone CR become LF; NUL and other C0 controls but tab/LF are dropped.

    >>> normalise_line_ends("a\r\nb\rc\x00d")
    'a\nb\ncd'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


#: the first bytes of common binary formats: a renamed image or archive is named, not decoded
#: as some legacy encoding ("\x89PNG\r\n\x1a\n" decodes as UTF-16 to "襐乇ഊᨊ")
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive, or a .docx/.xlsx named .txt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"), (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"), (b"\x7fELF", "a program"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file, detecting the encoding. Returns (text, encoding).

    Order: BOM; strict UTF-8; UTF-16 without BOM (many NULs); strict GB18030 (a superset
    of GBK and GB2312); then charset-normalizer's best guess if it is confident.
    Binary data (NUL bytes in an 8-bit encoding, or nothing decodes) raises ReadError.
    """
    kind = next((name for magic, name in _MAGIC if data.startswith(magic)), None)
    if kind:
        raise ReadError(f"binary file ({kind}), not text")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError(f"starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason} at byte {exc.start})") from None
    utf8_error: UnicodeDecodeError | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:  # control bytes are valid UTF-8 too: binary data, or UTF-16 without a BOM
        if not text or _looks_textual(text):
            return text, "utf-8"
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_textual(text):
                return text, enc
        raise ReadError("binary file (NUL bytes), not text")
    if b"\x00" in sample:
        raise ReadError("binary file (NUL bytes), not text")
    try:
        text = data.decode("gb18030")
        if _looks_textual(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding and best.chaos < 0.2:
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None and _looks_textual(text):
            return text, best.encoding
    if utf8_error is None:
        raise ReadError("binary file (control characters), not text")
    raise ReadError(
        "cannot decode text: not valid UTF-8, UTF-16 or GB18030/GBK "
        f"(first bad byte at offset {utf8_error.start}); mixed or unknown encoding"
    )


def _looks_textual(text: str) -> bool:
    """Reject decodings full of control or private-use characters (binary data)."""
    sample = text[:20_000]
    if not sample:
        return False
    return len(_NOT_TEXT.findall(sample)) / len(sample) < 0.01


#: control characters other than tab and line breaks, and the private-use area
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]")


def docx_text(data: bytes, limits: Limits = Limits()) -> str:
    """Paragraphs and tables of a .docx, in body order; table cells joined by tabs.

    The archive's declared sizes are checked before python-docx expands anything.
    """
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError("not a valid .docx (not a zip archive, or truncated)") from None
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise ReadError("not a valid .docx (no word/document.xml)")
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.compress_size and info.file_size / max(info.compress_size, 1) > limits.max_docx_ratio and info.file_size > 1_000_000:
                raise ReadError(f"refused: .docx member {info.filename} expands {info.file_size // max(info.compress_size, 1)}x (possible zip bomb)")
        if total > limits.max_docx_uncompressed:
            raise ReadError(f"refused: .docx expands to {total:,} bytes, over the limit of {limits.max_docx_uncompressed:,}")
        try:
            bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ReadError(f"corrupt .docx archive: {exc}") from None
        if bad is not None:
            raise ReadError(f"corrupt .docx archive (bad CRC in {bad})")
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        value = cell.text.strip()
                        if not cells or cells[-1] != value:  # merged cells repeat
                            cells.append(value)
                    lines.append("\t".join(cells))
        return "\n".join(lines)
    except ReadError:
        raise
    except Exception as exc:  # python-docx raises many types on malformed XML
        raise ReadError(f"cannot parse .docx: {type(exc).__name__}: {exc}"[:300]) from None


_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "table", "ul", "ol", "blockquote", "pre", "header", "footer", "title", "td", "th", "dd", "dt",
}


def html_text(html: str) -> str:
    """Visible text of an HTML page: no script/style/template/head metadata, blocks on lines.

    >>> html_text("<html><head><title>T</title><script>alert(1)</script></head><body><p>一、要</p><p>二</p></body></html>")
    'T\\n一、要\\n二'
    """
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript, template, svg, iframe, object, meta, link"):
        node.decompose()
    out: list[str] = []
    root = tree.root
    if root is None:
        return ""
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            out.append(node.text_content or "")
        elif node.tag in _BLOCK_TAGS:
            out.append("\n")
    text = "".join(out)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def iter_files(paths: list[Path], max_depth: int = 64):
    """Yield (path, source, skip_reason) for every file under the given paths.

    Directories are walked in sorted order without following symbolic links to directories
    (no loops); dangling links and unsupported types are yielded with a reason so callers can
    report them.
    """
    for root in paths:
        if root.is_symlink() and not root.exists():
            yield root, str(root), "dangling symbolic link"
            continue
        if not root.exists():
            yield root, str(root), "path does not exist"
            continue
        if root.is_file():
            yield root, str(root), None if root.suffix.lower() in SUPPORTED_SUFFIXES else f"unsupported file type {root.suffix or '(none)'}"
            continue
        seen_dirs: set[tuple[int, int]] = set()
        stack = [(root, 0)]
        while stack:
            directory, depth = stack.pop()
            try:
                st = directory.stat()
            except OSError as exc:
                yield directory, str(directory), f"cannot open directory: {exc.strerror}"
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs or depth > max_depth:
                yield directory, str(directory), "directory loop (symbolic link), skipped"
                continue
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                yield directory, str(directory), f"cannot list directory: {exc.strerror}"
                continue
            subdirs = []
            for entry in entries:
                p = Path(entry.path)
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append((p, depth + 1))
                elif entry.is_symlink():
                    if not p.exists():
                        yield p, str(p), "dangling symbolic link"
                    elif p.is_dir():
                        yield p, str(p), "symbolic link to a directory, not followed (avoids loops)"
                    elif p.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield p, str(p), None
                elif p.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield p, str(p), None
            stack.extend(reversed(subdirs))
