"""Read documents from disk into text: .txt (any common Chinese encoding), .docx, .pdf, .html.

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

from .reflow import reflow, width

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


class ReadError(Exception):
    """A file could not be turned into text; the message says why."""


@dataclass(frozen=True)
class Limits:
    """Configurable guards against hostile or accidental input (bytes)."""

    max_file_bytes: int = 50 * 1024 * 1024           # a file larger than this is refused
    max_docx_uncompressed: int = 200 * 1024 * 1024   # sum of a .docx's expanded members
    max_docx_ratio: int = 200                        # expansion ratio of one member
    min_chars: int = 1                               # fewer non-space chars: "empty"
    max_pdf_pages: int = 3000                        # a PDF with more pages is refused


@dataclass(frozen=True)
class RawDocument:
    source: str
    file_name: str
    file_format: str  # txt | docx | pdf | html
    encoding: str | None
    text: str         # decoded; line ends normalised to "\n"
    pages: tuple[int, ...] = ()  # a PDF's: where each printed page starts in ``text``


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
    pages: tuple[int, ...] = ()
    if suffix == ".docx":
        text, encoding, fmt = docx_text(data, limits), None, "docx"
    elif suffix == ".pdf":
        (text, pages), encoding, fmt = pdf_text(data, limits), None, "pdf"
    elif suffix in (".html", ".htm"):
        html, encoding = decode_bytes(data)
        text, fmt = html_text(html), "html"
    else:
        text, encoding = decode_bytes(data)
        fmt = "txt"
    text = normalise_line_ends(text)
    if fmt == "txt" or fmt == "pdf" and not pages:
        text = reflow(text)  # a copy out of a PDF (or a PDF without places): its page-width lines become paragraphs
    if len(_SPACE.sub("", text)) < limits.min_chars:
        raise ReadError("file holds no text (empty or whitespace only)")
    return RawDocument(source=source, file_name=path.name, file_format=fmt, encoding=encoding, text=text, pages=pages)


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
    (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document; name it .pdf to read it"), (b"PK\x03\x04", "a ZIP archive, or a .docx/.xlsx named .txt"),
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


def pdf_text(data: bytes, limits: Limits = Limits()) -> tuple[str, tuple[int, ...]]:
    """The text of a PDF in paragraphs, without its running heads and page numbers, and where
    each page starts in it (empty when some line had no place on its page).

    PDFium (Chromium's PDF engine, through pypdfium2) parses the file and gives each character
    with its place on the page (:func:`_page_lines` makes the printed lines of them). Page
    furniture goes first (:func:`page_furniture`); then the lines are joined into paragraphs
    (:func:`paragraphs_and_pages`). A PDF of
    scanned pages has no text to read, and one whose fonts map their glyphs to no characters
    yields private-use code points: both are refused with the advice to run OCR, not turned into
    nonsense.
    """
    import pypdfium2 as pdfium

    if b"%PDF-" not in data[:1024]:  # PDF readers look for the header within the first kilobyte
        try:
            decode_bytes(data)
            hint = ": it reads as text, name it .txt"
        except ReadError:
            hint = ""
        raise ReadError(f"not a PDF file (no %PDF- header{hint})")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("encrypted PDF: it needs a password (save an unlocked copy)") from None
        raise ReadError(f"not a valid PDF, or truncated ({exc})") from None
    pages: list[list[Line]] = []
    try:
        if len(pdf) == 0:
            raise ReadError("PDF has no pages")
        if len(pdf) > limits.max_pdf_pages:
            raise ReadError(f"PDF has {len(pdf):,} pages, over the limit of {limits.max_pdf_pages:,}")
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                pages.append(_page_lines(textpage))
                textpage.close()
            except pdfium.PdfiumError as exc:
                raise ReadError(f"cannot read page {index + 1} of the PDF ({exc})") from None
            finally:
                page.close()
    finally:
        pdf.close()
    kept = page_furniture([[line.text for line in lines] for lines in pages])[0]
    joined, starts = paragraphs_and_pages([[lines[i] for i in keep] for lines, keep in zip(pages, kept)])
    text = "\n".join(joined)
    if not _WORD_CHAR.search(text):
        raise ReadError("PDF has no text layer (scanned pages?): run OCR on it first")
    if not _looks_textual(text):
        raise ReadError("PDF's text cannot be read (its fonts map glyphs to no characters): run OCR on it first")
    return text, tuple(starts) if starts is not None else ()


@dataclass(frozen=True)
class Line:
    """A printed line of a PDF page: its text, and where it starts and ends (PDF units from the
    page's left edge; NaN where PDFium gave no place)."""

    text: str
    left: float = float("nan")
    right: float = float("nan")
    bottom: float = float("nan")


def _page_lines(textpage) -> list[Line]:
    """A page's lines, in PDFium's reading order, each with its first and last character's place."""
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n, errors="replace") if n > 0 else ""
    if len(text) != n:  # PDFium's text does not map onto its characters: lines without places
        return [Line(line.strip()) for line in _LINE_BREAK.split(textpage.get_text_bounded(errors="replace")) if line.strip()]
    text = _drop_generated_spaces(textpage, text)
    boxes = [textpage.get_charbox(i, loose=True) for i in range(n)]
    printed = _printed_lines(text, boxes)
    text = _drop_note_marks(text, boxes, printed)
    heights = sorted(b[3] - b[1] for b, ch in zip(boxes, text) if _inked(ch))
    size = heights[len(heights) // 2] if heights else 0.0  # of the page's characters
    lines: list[Line] = []
    for first, last in printed:
        # (no control characters: normalise_line_ends would drop them, and move the page starts)
        stripped = _CONTROL.sub("", text[first:last + 1].replace(_DROPPED, "")).strip()
        if not stripped:
            continue  # (only a footnote mark, or spaces made up)
        x0, x1 = boxes[first][0], boxes[last][2]
        # the line's height from its first characters ("一": a box as flat as its stroke)
        y0 = min(boxes[i][1] for i in range(first, min(first + 4, last + 1)))
        y1 = max(boxes[i][3] for i in range(first, min(first + 4, last + 1)))
        if lines and stripped.isdigit() and len(stripped) <= 3 and y1 - y0 < 0.9 * size and y0 > lines[-1].bottom + size / 4:
            continue  # a footnote mark PDFium set on a line of its own (it stands raised), "…百强市。¹"
        if lines and abs(lines[-1].bottom - y0) < (y1 - y0) / 2 and x0 > lines[-1].left:
            # PDFium breaks a printed line where the font changes ("“1+5+1”" set in another
            # font): the pieces on one baseline are one line
            prev = lines.pop()
            lines.append(Line(prev.text + _glue(prev.text, stripped) + stripped, prev.left, x1, prev.bottom))
        else:
            lines.append(Line(stripped, x0, x1, y0))
    return lines


def _drop_note_marks(text: str, boxes: list[tuple[float, float, float, float]],
                     printed: list[tuple[int, int]]) -> str:
    """Mark with ``_DROPPED`` the footnote marks of each printed line: figures set smaller and
    raised ("增长5.5%¹左右" printed, "5.5%1左右" read: the qualifier was lost, QA pass 17), but not a
    power after a letter (km², m³).

    >>> box = lambda x, y, h=16: (x, y, x + 10, y + h)
    >>> t = "增长5%1左右"
    >>> _drop_note_marks(t, [box(0, 0), box(10, 0), box(20, 0), box(30, 0), box(40, 6, 13), box(50, 0), box(60, 0)],
    ...                  [(0, 6)]).replace(_DROPPED, "")
    '增长5%左右'
    """
    chars = None
    for first, last in printed:
        inked = [i for i in range(first, last + 1) if _inked(text[i])]
        if len(inked) < 3 or not any(text[i].isdigit() for i in inked):
            continue
        heights = sorted(boxes[i][3] - boxes[i][1] for i in inked)
        bottoms = sorted(boxes[i][1] for i in inked)
        height, bottom = heights[len(heights) // 2], bottoms[len(bottoms) // 2]
        for k, i in enumerate(inked):
            if (text[i].isdigit() and boxes[i][3] - boxes[i][1] < 0.9 * height and boxes[i][1] > bottom + height / 4
                    and not (k and text[inked[k - 1]].isascii() and text[inked[k - 1]].isalpha())):
                chars = chars or list(text)
                chars[i] = _DROPPED
    return text if chars is None else "".join(chars)


def _printed_lines(text: str, boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """(first, last) index of the printed characters of each line: PDFium's line breaks, and where
    a character stands half a line or more below the one before (PDFium gives no break
    before a line that opens with "——", QA pass 17: "…惠民生的实事。 ——产业转型…" was one line).

    >>> box = lambda x, y: (x, y, x + 10, y + 10)
    >>> _printed_lines("甲乙丙丁", [box(0, 50), box(10, 50), box(0, 30), box(10, 30)])
    [(0, 1), (2, 3)]
    """
    out: list[tuple[int, int]] = []
    first = prev = None
    for i, ch in enumerate(text):
        if ch in "\r\n":
            if first is not None:
                out.append((first, prev))
            first = prev = None
            continue
        if not _inked(ch):
            continue
        if prev is not None:
            _, py, _, ptop = boxes[prev]
            _, y, _, top = boxes[i]
            # lower by half a character or more (by the middles: the box of "一" is as flat as its stroke)
            if (py + ptop) / 2 - (y + top) / 2 > max(ptop - py, top - y) / 2:
                out.append((first, prev))
                first = None
        first = i if first is None else first
        prev = i
    if first is not None:
        out.append((first, prev))
    return out


def _drop_generated_spaces(textpage, text: str) -> str:
    """Mark with ``_DROPPED`` the spaces PDFium made up between the spread-out characters of a
    justified line ("责任书怎么签 , 一 直 是"): a line where they part at least ``SPREAD_SHARE`` of
    its characters, and three or more; not those between two Latin words or figures. Elsewhere a
    made-up space stands for a space of the text ("区长  孙俨玲"): a printer draws no space, it
    leaves a gap. The text keeps its length, so that its indices stay those of the page's characters."""
    import pypdfium2.raw as pdfium_c

    chars = list(text)
    start = 0
    for brk in _LINE_BREAK.finditer(text + "\n"):
        made_up = [i for i in range(start, brk.start())
                   if text[i] == " " and pdfium_c.FPDFText_IsGenerated(textpage.raw, i)]
        if len(made_up) >= 3 and len(made_up) >= SPREAD_SHARE * (brk.start() - start - len(made_up)):
            for i in made_up:
                if not (i > 0 and _ALNUM_END.search(text[i - 1]) and _ALNUM_START.match(text[i + 1:i + 2])):
                    chars[i] = _DROPPED
        start = brk.end()
    return "".join(chars)


SPREAD_SHARE = 0.3


#: stands for a dropped character until a line's text is cut out
_DROPPED = "\ufffe"


def _inked(ch: str) -> bool:
    """A character that is printed: not a space, nor a dropped one."""
    return ch != _DROPPED and not ch.isspace()


def _glue(before: str, after: str) -> str:
    """A space between two Latin words or figures, nothing between Chinese."""
    return " " if _ALNUM_END.search(before) and _ALNUM_START.match(after) else ""


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: a letter, digit or CJK character: a page with none is an image or blank
_WORD_CHAR = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_ALNUM_END = re.compile(r"[0-9A-Za-z]$")
_ALNUM_START = re.compile(r"^[0-9A-Za-z]")
INDENT_EMS = 0.8   # a line that starts this far (in characters) right of the margin is indented
PARAGRAPH_SPACING = 1.3  # a line this many line steps below the one before starts a paragraph
#: a heading's number, which after a full stop starts a paragraph of its own
_HEADING_START = re.compile(r"[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[、．.](?!\d)|第[一二三四五六七八九十]+[部章节条]")
ROOM_SLACK = 0.35  # a line ends its paragraph when the next line's first word would have fitted, by this much
#: what a line cannot be broken before its end: the opening marks, one character, and the figures,
#: Latin letters, straight quotes and closing marks that hold on to it ("台、", "2023、", "好\"1+3\"")
_FIRST_WORD = re.compile(r"[“‘（《「『(\[\"']*(?:[^\s0-9A-Za-z\"'])?[0-9A-Za-z.,%‰+\-\"'，。、；：？！”’）》」』;:?!)\]]*")


def paragraphs(pages: list[list[Line]]) -> list[str]:
    """Join the printed lines of a PDF's pages into paragraphs (:func:`paragraphs_and_pages`)."""
    return paragraphs_and_pages(pages)[0]


def paragraphs_and_pages(pages: list[list[Line]]) -> tuple[list[str], list[int] | None]:
    """Join the printed lines of a PDF's pages into paragraphs, across page breaks.

    Each page's margins are where most of its lines start and end (from the lines of the whole
    document when a page holds few), and a character's width is the full lines' width over
    their characters. A line stops short when the next line's first word (a character, or a run
    of figures, with the marks that cannot part from it) would have fitted in the room left: so
    ragged lines, set flush left, run on too. Lines without places are kept as lines, for
    :func:`reflow`. Two lines' Latin words or figures are joined with a space, Chinese without.

    Returns the paragraphs, and where each page starts in them joined by line breaks (None when
    a line had no place: the text then goes through :func:`reflow`, which moves it).

    >>> full = [Line("各位代表：", 105, 180), Line("现在，我代表市人民政府向大会报告工作，请予审", 105, 522),
    ...         Line("议。", 73, 105), Line("一年来，地区生产总值增长6.0%，一般公共预算收入增长", 73, 522),
    ...         Line("7.5%，主要指标好于预期。", 73, 300)]
    >>> paragraphs([full])
    ['各位代表：', '现在，我代表市人民政府向大会报告工作，请予审议。', '一年来，地区生产总值增长6.0%，一般公共预算收入增长7.5%，主要指标好于预期。']
    >>> text, starts = paragraphs_and_pages([full[:2], full[2:]])
    >>> starts, "\\n".join(text)[starts[1]:][:2]
    ([0, 28], '议。')
    """
    default = _column_margins([line for lines in pages for line in lines], None)
    out: list[str] = []
    length = 0  # of the text so far, its paragraphs joined by line breaks
    starts: list[int] | None = []
    room = float("inf")  # what the last line of ``out`` left free before the right margin, in characters
    for lines in pages:
        page_start = None
        margins = _column_margins(lines, default)
        steps = sorted(a.bottom - b.bottom for a, b in zip(lines, lines[1:]) if a.bottom - b.bottom > 0)
        pitch = steps[len(steps) // 2] if steps else float("nan")  # from one line to the next
        for k, line in enumerate(lines):
            left, right, em = margins(line)
            if line.left != line.left or em != em:  # no place: a line of its own
                length += (1 if out else 0) + len(line.text)
                out.append(line.text)
                room = float("inf")
                starts = None
                continue
            indented = line.left >= left + INDENT_EMS * em
            spaced = k > 0 and lines[k - 1].bottom - line.bottom > PARAGRAPH_SPACING * pitch  # space above it
            heading = out and out[-1][-1:] in "。！？!?" and _HEADING_START.match(line.text)
            word = _FIRST_WORD.match(line.text).group(0) or line.text[:1]
            if out and not indented and not spaced and not heading and room < width(word) / 2 + ROOM_SLACK:
                glue = _glue(out[-1], line.text)
                at = length + len(glue)
                out[-1] += glue + line.text
            else:
                at = length + (1 if out else 0)
                out.append(line.text)
            length = at + len(line.text)
            page_start = at if page_start is None else page_start
            room = (right - line.right) / em
        if starts is not None:
            starts.append(length + (1 if out else 0) if page_start is None else page_start)  # (a blank page)
    return out, starts


def _column_margins(lines: list[Line], default):
    """A function giving a line of this page (of the document, ``default`` None) the (left, right,
    character width) of its column; ``default`` serves a page of fewer than 16 lines. The page's, or
    on a page set in two columns (a quarter of the lines or more each side of the middle,
    and few across it), the left or right column's (QA pass 17: each line of a two-column page
    was a paragraph, the right column's as indented, the left's as stopping short)."""
    placed = [line for line in lines if line.left == line.left and len(line.text) >= 8]
    if default is not None and len(placed) < 16:  # a page of few lines: the document's columns
        return default
    whole = _margins(placed)
    if len(placed) >= 16:
        mid = (min(line.left for line in placed) + max(line.right for line in placed)) / 2
        first = [line for line in placed if line.right < mid]
        second = [line for line in placed if line.left > mid]
        if min(len(first), len(second)) >= len(placed) / 4 and len(first) + len(second) >= 0.9 * len(placed):
            columns = _margins(first), _margins(second)
            return lambda line: columns[line.left > mid]
    return lambda line: whole


def _margins(lines: list[Line]) -> tuple[float, float, float]:
    """(left margin, right margin, a character's width) of these lines; NaNs for none."""
    if not lines:
        return float("nan"), float("nan"), float("nan")
    lefts = sorted(line.left for line in lines)
    rights = sorted(line.right for line in lines)
    left, right = lefts[len(lefts) // 5], rights[len(rights) * 9 // 10]
    full = [(line.right - line.left) / (width(line.text) / 2) for line in lines
            if line.right >= right - 2 and width(line.text) >= 8]
    em = sorted(full)[len(full) // 2] if full else (right - left) / 30
    return left, right, em


#: a line's form, its figures left out: "— 12 —" and "— 13 —", "第3页 共9页" and "第4页 共9页" match
_FIGURES = re.compile(r"\d+")
EDGE_LINES = 3         # a running head or page number is among a page's first or last lines
FURNITURE_SHARE = 0.5  # ... on this share of the pages at least (and on 3 pages or more)


#: a page number's form on its own (figures as #): "— # —", "- # -", "第#页", "第#页 共#页", "# / #"
_PAGE_NUMBER = re.compile(r"[-—–－―]{1,2} ?# ?[-—–－―]{1,2}|第 ?# ?页(?: ?[,，/]? ?共 ?# ?页)?|# ?/ ?#")


def page_furniture(pages: list[list[str]]) -> tuple[list[list[int]], list[str]]:
    """Tell the page furniture of a PDF from its text: a line among the first or last
    ``EDGE_LINES`` of its page whose form (figures left out) recurs there on at least half the
    pages, and on three or more — a running head ("政府工作报告"), a page number ("— 3 —",
    "第3页 共9页", "3") — or whose form is a page number's whatever the pages ("— 3 —", not a bare
    "3"). Returns, for each page, the indices of the lines kept, and the furniture.

    >>> body = ["地区生产总值增长", "6%左右。城镇新增", "就业1.5万人。居民", "收入同步增长。"]
    >>> pages = [[line, "政府工作报告", f"— {i} —"] for i, line in enumerate(body, 1)]
    >>> kept, furniture = page_furniture(pages)
    >>> kept
    [[0], [0], [0], [0]]
    >>> furniture[:4]
    ['政府工作报告', '— 1 —', '政府工作报告', '— 2 —']
    >>> page_furniture([["第一页", "1"], ["第二页", "2"]])[0]  # two pages: too few to tell
    [[0, 1], [0, 1]]
    >>> page_furniture([["正文", "— 1 —"], ["正文", "— 2 —"]])[1]  # but a page number is one
    ['— 1 —', '— 2 —']
    """
    forms: dict[str, int] = {}
    for lines in pages:
        for form in {_FIGURES.sub("#", line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]}:
            forms[form] = forms.get(form, 0) + 1
    least = max(3, FURNITURE_SHARE * len(pages))
    furniture_forms = {form for form, n in forms.items() if n >= least or _PAGE_NUMBER.fullmatch(form)}
    kept: list[list[int]] = []
    furniture: list[str] = []
    for lines in pages:
        keep: list[int] = []
        for i, line in enumerate(lines):
            at_edge = i < EDGE_LINES or i >= len(lines) - EDGE_LINES
            if at_edge and _FIGURES.sub("#", line) in furniture_forms:
                furniture.append(line)
            else:
                keep.append(i)
        kept.append(keep)
    return kept, furniture


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
