"""Real Word, OpenDocument and EPUB files made by the tests: .docx with
python-docx, .odt with odfpy, .epub written with zipfile (as a book is
packaged). Every one holds astral characters, so offsets are checked in code
points."""

from __future__ import annotations

import datetime
import io
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return "{%s}%s" % (W_NS, tag)


def _numbered(paragraph, num_id: int, ilvl: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    num = OxmlElement("w:numPr")
    lvl = OxmlElement("w:ilvl")
    lvl.set(qn("w:val"), str(ilvl))
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    num.append(lvl)
    num.append(nid)
    ppr.append(num)


def _hyperlink(document, paragraph, url: str, text: str, anchor: str | None = None) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    if anchor:
        link.set(qn("w:anchor"), anchor)
    else:
        link.set(qn("r:id"), document.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _footnotes(document, notes: dict[int, str]) -> None:
    """A footnotes part (python-docx cannot write one): id → text."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r>'
        f"</w:p></w:footnote>"
        for i, text in notes.items()
    )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">{body}</w:footnotes>'
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)


def _footnote_reference(paragraph, note_id: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    run.append(ref)
    paragraph._p.append(run)


def docx_bytes() -> bytes:
    """A press release with every structure the importer keeps."""
    import docx

    d = docx.Document()
    props = d.core_properties
    props.title = "Press release 🚀 on wages"
    props.author = "Ada Lovelace"
    props.created = datetime.datetime(2026, 12, 1, 9, 30)
    d.add_heading("Wages rise 🎉", level=1)
    p = d.add_paragraph("Plain 😀 start, ")
    p.add_run("bold 𝔘 part").bold = True
    p.add_run(" and ")
    p.add_run("italic").italic = True
    p.add_run(" and ")
    p.add_run("struck").font.strike = True
    p.add_run(". See ")
    _hyperlink(d, p, "https://example.org/report?id=1", "the report 🔗")
    p.add_run(" and ")
    _hyperlink(d, p, "javascript:alert(1)", "no link")
    p.add_run(".")
    d.add_heading("Figures", level=2)
    d.add_paragraph("first bullet", style="List Bullet")
    nested = d.add_paragraph("nested bullet 🐍", style="List Bullet")
    _numbered(nested, 1, 1)
    d.add_paragraph("back out", style="List Bullet")
    d.add_paragraph("first step", style="List Number")
    d.add_paragraph("second step", style="List Number")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate((("Year", "Wage 💶", "Change"), ("2026", "900,000", "+12 %"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    claim = d.add_paragraph("The CEO 🧑‍💼 earns ")
    covered = [claim.add_run("900 times"), claim.add_run(" the median 𝔐 wage")]
    claim.add_run(" in 2026.")
    _footnote_reference(claim, 1)
    d.add_comment(covered, text="Check the ratio 👀\nSecond line", author="Bea Checker", initials="BC")
    q = d.add_paragraph("We are proud.", style="Quote")
    d.add_comment(q.runs, text="Spin?", author="Cy")
    d.add_paragraph("Line one").add_run().add_break()
    d.paragraphs[-1].add_run("line two")
    _footnotes(d, {1: "Annual report 2026, p. 4 📎."})
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def simple_docx_bytes(text: str = "A short Word file 🚀 for the claim.", title: str = "A Word source") -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.add_heading(title, level=1)
    d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    from odf import meta
    from odf.dc import Creator, Date, Title
    from odf.office import Annotation, AnnotationEnd
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import (
        A,
        H,
        LineBreak,
        List,
        ListItem,
        ListLevelStyleBullet,
        ListLevelStyleNumber,
        ListStyle,
        Note,
        NoteBody,
        NoteCitation,
        P,
        S,
        Span,
    )

    doc = OpenDocumentText()
    for name, props in (("B", {"fontweight": "bold"}), ("I", {"fontstyle": "italic"}),
                        ("X", {"textlinethroughstyle": "solid"})):
        style = Style(name=name, family="text")
        style.addElement(TextProperties(**props))
        doc.automaticstyles.addElement(style)
    numbers = ListStyle(name="N")
    numbers.addElement(ListLevelStyleNumber(level=1, numformat="1", startvalue=3))
    numbers.addElement(ListLevelStyleBullet(level=2, bulletchar="•"))
    doc.automaticstyles.addElement(numbers)
    doc.meta.addElement(Title(text="Minutes 🚀"))
    doc.meta.addElement(Creator(text="Grace Hopper"))
    doc.meta.addElement(meta.CreationDate(text="2026-11-30T08:00:00"))
    doc.text.addElement(H(outlinelevel=1, text="Council minutes 🎉"))
    p = P(text="Start ")
    p.addElement(Span(stylename="B", text="bold 𝔘"))
    p.addText(" mid ")
    p.addElement(Span(stylename="I", text="it"))
    p.addText(" and ")
    p.addElement(Span(stylename="X", text="gone"))
    p.addText(" ")
    p.addElement(A(href="https://example.org/minutes", text="link 🔗"))
    p.addText(" and")
    p.addElement(S(c=3))
    p.addText("spaced")
    note = Note(noteclass="footnote", id="ftn1")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="The footnote 📎."))
    note.addElement(body)
    p.addElement(note)
    doc.text.addElement(p)
    items = List(stylename="N")
    for label in ("third 3️⃣", "fourth"):
        item = ListItem()
        item.addElement(P(text=label))
        items.addElement(item)
    inner = List()
    inner_item = ListItem()
    inner_item.addElement(P(text="nested 🐍"))
    inner.addElement(inner_item)
    items.childNodes[-1].addElement(inner)
    doc.text.addElement(items)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for row_values in (("Item", "Cost 💶"), ("Roads", "12")):
        row = TableRow()
        for value in row_values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    p = P(text="The mayor 🧑‍⚖️ said ")
    comment = Annotation(name="c1")
    comment.addElement(Creator(text="Bea Checker"))
    comment.addElement(Date(text="2026-12-02T10:00:00"))
    comment.addElement(P(text="Source? 👀"))
    p.addElement(comment)
    p.addText("taxes fall 𝔗")
    p.addElement(AnnotationEnd(name="c1"))
    p.addText(" next year.")
    doc.text.addElement(p)
    p = P(text="First line")
    p.addElement(LineBreak())
    p.addText("second line")
    doc.text.addElement(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def chapter(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head><body>{body}</body></html>'
    )


def epub_bytes(
    chapters: dict[str, str] | None = None,
    *,
    spine: list[str] | None = None,
    opf_extra_head: str = "",
    drop: tuple[str, ...] = (),
    nonlinear: tuple[str, ...] = (),
) -> bytes:
    """An EPUB 3 book; ``chapters`` maps file names (under OEBPS/text/) to XHTML,
    listed in the manifest in that order; ``spine`` gives the reading order."""
    if chapters is None:
        chapters = {
            "b-second.xhtml": chapter("Two", "<h2>Chapter two 🐉</h2><p>The <em>second</em> chapter.</p>"),
            "cover.xhtml": chapter("Cover", "<p>Cover page</p>"),
            "a-first.xhtml": chapter(
                "One",
                "<h1>Chapter one 📖</h1><p>It was a <strong>dark</strong> night 🌙.</p>"
                "<ul><li>a point</li><li>another <a href='https://example.org/b'>link</a></li></ul>"
                "<script>STEAL_COOKIE()</script>",
            ),
        }
    ids = {name: f"item{i}" for i, name in enumerate(chapters)}
    if spine is None:
        spine = ["cover.xhtml", "a-first.xhtml", "b-second.xhtml"] if "cover.xhtml" in chapters else list(chapters)
        nonlinear = nonlinear or (("cover.xhtml",) if "cover.xhtml" in chapters else ())
    manifest = "".join(
        f'<item id="{ids[n]}" href="text/{n}" media-type="application/xhtml+xml"/>' for n in chapters
    ) + '<item id="css" href="style.css" media-type="text/css"/>'
    linear_no = ' linear="no"'
    itemrefs = "".join(f'<itemref idref="{ids.get(n, n)}"{linear_no if n in nonlinear else ""}/>' for n in spine)
    opf = (
        f'<?xml version="1.0" encoding="UTF-8"?>{opf_extra_head}'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>A Book 📚 of Nights</dc:title>'
        "<dc:creator>Mary Shelley</dc:creator><dc:creator>Percy Shelley</dc:creator>"
        "<dc:publisher>Night Press</dc:publisher><dc:date>1818-01-01</dc:date><dc:language>en</dc:language>"
        f"</metadata><manifest>{manifest}</manifest><spine>{itemrefs}</spine></package>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")  # stored, first
        z.writestr("META-INF/container.xml", CONTAINER.format(opf="OEBPS/content.opf"), zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/content.opf", opf, zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/style.css", "p { color: red }", zipfile.ZIP_DEFLATED)
        for name, xhtml in chapters.items():
            if name not in drop:
                z.writestr(f"OEBPS/text/{name}", xhtml, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def replace_member(data: bytes, member: str, content: bytes) -> bytes:
    """The same zip package with one member's content replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = content if info.filename == member else src.read(info)
            dst.writestr(info, body)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>\n"
)
