"""Press-release body formats: Markdown as stored, sanitized HTML, plain text."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "blockquote", "a", "br", "hr"}


def to_html(markdown_body: str) -> str:
    return nh3.clean(_md.render(markdown_body), tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="noopener")


_EMPH = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def to_text(markdown_body: str) -> str:
    text = _HEADING.sub("", markdown_body)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _EMPH.sub(r"\2", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
