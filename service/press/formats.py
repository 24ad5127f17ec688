"""Press-release body formats: Markdown as stored, sanitized HTML, plain text."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "blockquote", "a", "br", "hr"}


def to_html(markdown_body: str, title: str | None = None) -> str:
    """Sanitized HTML; with a title, the headline comes first as <h1>."""
    body = nh3.clean(_md.render(markdown_body), tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="noopener")
    return f"<h1>{html.escape(title)}</h1>\n{body}" if title else body


_EMPH = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def to_text(markdown_body: str, title: str | None = None) -> str:
    """Plain text; with a title, the headline is the first line."""
    text = _HEADING.sub("", markdown_body)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _EMPH.sub(r"\2", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return f"{title}\n\n{text}" if title else text
