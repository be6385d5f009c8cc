"""Real PDF files for the tests and the benchmark, made with reportlab.

``article`` lays paragraphs out the way a report or a paper is printed: in
one or two columns, lines justified to a width with long words hyphenated at
the line's end, a running header and a page number on each page. It returns
the bytes and the paragraphs as a reader should get them back.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

PAGE = (595.0, 842.0)  # A4 in points
FONT, BOLD = "Helvetica", "Helvetica-Bold"
WORDS = (
    "council budget housing report minister statement figures inspection hospital waiting "
    "contract procurement environmental assessment emissions transport infrastructure spending "
    "parliament committee evidence witnesses regulator investigation community accountability "
    "transparency consultation responsibility unemployment productivity manufacturing agricultural "
    "the of and to in a that for on with as by at from was were has have said".split()
)


@dataclass
class Sample:
    data: bytes
    paragraphs: list[str]
    title: str = ""
    lines: list[tuple[int, float, float, float, str]] = field(default_factory=list)  # page, x, y, width, text


def sentences(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(25, 45))]
        words[0] = words[0].capitalize()
        out.append(f"{' '.join(words)} number {seed}-{n}.")
    return out


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines no wider than ``width``; a long word that does not fit is split
    with a hyphen at the line's end (as a typesetter would)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if stringWidth(trial, FONT, size) <= width:
            line = trial
            continue
        if len(word) >= 9:
            for cut in range(len(word) - 3, 3, -1):
                head = f"{line} {word[:cut]}-" if line else f"{word[:cut]}-"
                if stringWidth(head, FONT, size) <= width:
                    lines.append(head)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def article(
    *,
    pages: int = 3,
    columns: int = 2,
    header: str | None = "Annual Report of the Example Council",
    title: str = "Findings of the Inquiry",
    seed: int = 1,
    size: float = 10.0,
    metadata: dict | None = None,
    password: str | None = None,
    across: bool = False,
) -> Sample:
    """``across``: the lines are written into the file row by row across the
    columns (as some producers do), not column by column; a reader must
    still read the left column first."""
    buffer = io.BytesIO()
    encrypt = StandardEncryption(password, ownerPassword=password + "-owner", strength=128) if password else None
    c = canvas.Canvas(buffer, pagesize=PAGE, encrypt=encrypt, invariant=1)
    meta = metadata or {}
    c.setTitle(meta.get("title", title))
    c.setAuthor(meta.get("author", ""))
    if "subject" in meta:
        c.setSubject(meta["subject"])
    margin, gutter = 60.0, 24.0
    col_width = (PAGE[0] - 2 * margin - gutter * (columns - 1)) / columns
    leading = size * 1.3
    paragraphs: list[str] = []
    lines_out: list[tuple[int, float, float, float, str]] = []
    # paragraphs of three sentences fill columns and pages in order (one may
    # go on in the next column or page) until ``pages`` pages are full
    pool = sentences(seed, 3 * 40 * pages)
    texts = [" ".join(pool[i : i + 3]) for i in range(0, len(pool), 3)]
    page = 0
    column = 0
    top = PAGE[1] - 110
    y = top

    def start_page(n: int) -> float:
        if header:
            c.setFont(FONT, 8)
            c.drawString(margin, PAGE[1] - 40, header)
        c.setFont(FONT, 8)
        c.drawCentredString(PAGE[0] / 2, 30, str(n + 1))
        first = PAGE[1] - 70
        if n == 0 and title:
            c.setFont(BOLD, size * 1.8)
            c.drawString(margin, first - 10, title)
        return top

    pending: list[tuple[int, float, float, str, bool]] = []

    def draw():
        if across:
            pending.sort(key=lambda p: (-p[2], p[1]))
        for _page, x, y, line, justify in pending:
            words = line.count(" ")
            shown = c.beginText(x, y)
            shown.setFont(FONT, size)
            if justify and words:
                shown.setWordSpace((col_width - stringWidth(line, FONT, size)) / words)
            shown.textOut(line)
            c.drawText(shown)
        pending.clear()

    y = start_page(0)
    for text in texts:
        if page >= pages - 1 and column == columns - 1 and y < top * 0.3:
            break
        paragraphs.append(text)
        wrapped = _wrap(text, col_width, size)
        for n, line in enumerate(wrapped):
            if y < 60:
                column += 1
                y = top
                if column >= columns:
                    draw()
                    c.showPage()
                    page += 1
                    column = 0
                    y = start_page(page)
            x = margin + column * (col_width + gutter)
            justify = n + 1 < len(wrapped)  # all but a paragraph's last line
            pending.append((page, x, y, line, justify))
            lines_out.append((page, x, y, col_width, line))
            y -= leading
        y -= leading * 0.8  # space between paragraphs
    draw()
    c.showPage()
    c.save()
    return Sample(buffer.getvalue(), paragraphs, title, lines_out)


class _Markup(pdfdoc.HighlightAnnotation):
    """reportlab writes highlights; the same dictionary with another subtype
    is an underline or a strike-out."""

    def __init__(self, subtype: str, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.subtype = subtype

    def Dict(self):
        d = super().Dict()
        d["Subtype"] = f"/{self.subtype}"
        return d


def annotated(marks: list[dict], *, lines: list[str], note_at: int | None = None, note: str = "",
              author: str = "") -> bytes:
    """One page of ``lines`` (12 pt Helvetica, one per line from the top) with
    markup over words: each mark is {"line": i, "words": (first, last), "kind":
    "Highlight"|"Underline"|"StrikeOut", "note": …, "author": …, "date": "D:…"};
    a mark with "to_line" spans from its first word to the end of that line
    and on to "to_words" of the next line."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=PAGE, invariant=1)
    x0, top, size, leading = 72.0, 760.0, 12.0, 18.0
    c.setFont(FONT, size)
    for i, line in enumerate(lines):
        c.drawString(x0, top - i * leading, line)

    def box(i: int, first: int, last: int) -> list[float]:
        words = lines[i].split(" ")
        left = x0 + stringWidth(" ".join(words[:first]) + (" " if first else ""), FONT, size)
        right = x0 + stringWidth(" ".join(words[: last + 1]), FONT, size)
        y = top - i * leading
        return [left, y + size * 0.9, right, y - size * 0.25]

    for m in marks:
        quads: list[float] = []
        parts = [(m["line"], *m["words"])]
        if "to_line" in m:
            parts = [(m["line"], m["words"][0], len(lines[m["line"]].split(" ")) - 1), (m["to_line"], 0, m["to_words"])]
        rect = None
        for i, first, last in parts:
            left, upper, right, lower = box(i, first, last)
            quads += [left, upper, right, upper, left, lower, right, lower]
            r = [left, lower, right, upper]
            rect = r if rect is None else [min(rect[0], r[0]), min(rect[1], r[1]), max(rect[2], r[2]), max(rect[3], r[3])]
        kw = {}
        if m.get("author"):
            kw["T"] = pdfdoc.PDFString(m["author"])
        if m.get("date"):
            kw["M"] = pdfdoc.PDFString(m["date"])
        annotation = _Markup(m.get("kind", "Highlight"), rect, m.get("note", ""), quads, [1, 1, 0], **kw)
        c._addAnnotation(annotation)
    if note_at is not None:
        y = top - note_at * leading
        kw = {"T": pdfdoc.PDFString(author)} if author else {}
        c.textAnnotation(note, Rect=(40, y - 4, 60, y + 14), **kw)
    c.showPage()
    c.save()
    return buffer.getvalue()


def image_only(pages: int = 1) -> bytes:
    """What a scanner makes: pages that are one picture each, no text."""
    from PIL import Image  # Pillow comes with matplotlib
    from reportlab.lib.utils import ImageReader

    picture = Image.new("L", (200, 280), 255)
    for x in range(20, 180):
        for y in range(40, 44):
            picture.putpixel((x, y), 0)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=PAGE, invariant=1)
    for _ in range(pages):
        c.drawImage(ImageReader(picture), 0, 0, PAGE[0], PAGE[1])
        c.showPage()
    c.save()
    return buffer.getvalue()


def astral_text(lines: list[bytes]) -> bytes:
    """A page of Helvetica text whose ToUnicode map reads the byte "A" as
    U+1D400 (bold capital A) and "B" as U+1F600 (a smiling face): characters
    outside the Basic Multilingual Plane, as a PDF made from a document with
    emoji or mathematics carries them. Written object by object (reportlab
    and pdfium write such characters' maps with four hex digits only)."""
    cmap = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Marks def\n"
            b"/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n2 beginbfchar\n"
            b"<41> <D835DC00>\n<42> <D83DDE00>\nendbfchar\nendcmap\n"
            b"CMapName currentdict /CMap defineresource pop\nend\nend\n")
    content = b"BT /F1 14 Tf 72 720 Td 18 TL " + b" ".join(b"(" + line + b") '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
