"""A press release as a Word document, because the IKP editors finish their releases in Word."""

from __future__ import annotations

import io
import re
import unicodedata

from docx import Document
from docx.shared import Pt
from markdown_it import MarkdownIt
from markdown_it.token import Token

from service.models import PressRelease

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_md = MarkdownIt("commonmark", {"html": False})
# Characters XML 1.0 forbids; python-docx would refuse them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
            run = paragraph.add_run(_XML_INVALID.sub("", child.content))
            run.bold = bold or None
            run.italic = italic or None
        elif child.type == "link_close":
            continue


def build_docx(title: str, markdown_body: str) -> bytes:
    """Title as the heading, then the body's paragraphs, lists and emphasis as Word formatting."""
    document = Document()
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


def release_docx(release: PressRelease) -> bytes:
    return build_docx(release.title, release.body)


def file_name(release: PressRelease) -> str:
    """An ASCII file name from the title: 'rilis-12-smp-negeri-1-bobotsari-raih-juara-1.docx'."""
    ascii_title = unicodedata.normalize("NFKD", release.title).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:80].rstrip("-")
    return f"rilis-{release.id}{'-' + slug if slug else ''}.docx"
