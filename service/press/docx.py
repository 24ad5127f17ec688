"""A press release as a Word document, because the IKP editors finish their releases in Word."""

from __future__ import annotations

import io
import re
import unicodedata

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Cm, Pt
from markdown_it import MarkdownIt
from markdown_it.token import Token

from service.models import PressRelease

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_md = MarkdownIt("commonmark", {"html": False})
# Characters XML 1.0 forbids; python-docx would refuse them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A [[ … ]] slot the editor still has to fill: highlighted so it cannot be missed in Word.
_SLOT = re.compile(r"(\[\[.*?\]\])")
LETTERHEAD = ("PEMERINTAH KABUPATEN PURBALINGGA", "DINAS KOMUNIKASI DAN INFORMATIKA")


def _add_inline(paragraph, token: Token) -> None:
    bold = italic = False
    for child in token.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break()
        elif child.type in ("text", "code_inline"):
            for part in _SLOT.split(_XML_INVALID.sub("", child.content)):
                if not part:
                    continue
                run = paragraph.add_run(part)
                run.bold = bold or None
                run.italic = italic or None
                if part.startswith("[[") and part.endswith("]]"):
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif child.type == "link_close":
            continue


def _page_setup(document, author: str | None) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, as the office prints
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(LETTERHEAD):
        run = header.add_run(line)
        run.bold = True
        run.font.size = Pt(12 if i else 13)
        if i < len(LETTERHEAD) - 1:
            run.add_break()
    properties = document.core_properties
    properties.author = author or "Dinkominfo Purbalingga"
    properties.last_modified_by = author or "Dinkominfo Purbalingga"
    properties.comments = ""


def build_docx(title: str, markdown_body: str, author: str | None = None) -> bytes:
    """A4 with the office's letterhead; the title as the heading, then the body's paragraphs, lists and
    emphasis as Word formatting, [[ … ]] slots highlighted; the editor as the document's author."""
    document = Document()
    _page_setup(document, author)
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(_XML_INVALID.sub("", title), level=1)
    style = None
    quote = False
    for token in _md.parse(markdown_body):
        if token.type == "bullet_list_open":
            style = "List Bullet"
        elif token.type == "ordered_list_open":
            style = "List Number"
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            style = None
        elif token.type == "blockquote_open":
            quote = True
        elif token.type == "blockquote_close":
            quote = False
        elif token.type == "heading_open":
            level = min(int(token.tag[1]) + 1, 4)
            style = f"Heading {level}"
        elif token.type == "heading_close":
            style = None
        elif token.type == "inline":
            paragraph = document.add_paragraph(style=style or ("Quote" if quote else None))
            _add_inline(paragraph, token)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def release_docx(release: PressRelease, author: str | None = None) -> bytes:
    return build_docx(release.title, release.body, author)


def file_name(release: PressRelease) -> str:
    """An ASCII file name from the title: 'rilis-12-smp-negeri-1-bobotsari-raih-juara-1.docx'."""
    ascii_title = unicodedata.normalize("NFKD", release.title).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:80].rstrip("-")
    return f"rilis-{release.id}{'-' + slug if slug else ''}.docx"
