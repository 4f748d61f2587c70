"""Markdown that program admins write, rendered for everyone: HTML comes out sanitised, whatever went in.

markdown-it-py renders CommonMark with raw HTML turned off (typed tags come out as text), then nh3 (a maintained
sanitiser, the Rust ammonia library) keeps only the tags below and only http, https and mailto links, so a
``javascript:`` link, a ``<script>`` or an ``onclick`` never reaches a page even if the renderer lets it through.
"""

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str) -> str:
    return sanitise(_renderer.render(text or ""))


def sanitise(html: str) -> str:
    """Only the allowed tags, only http(s) and mailto links, no attributes but a link's href and title."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
