"""Rich text sanitizing.

Wagtail's editor only produces safe HTML, but rich text also arrives through the seed, imports,
the API and the raw database; so every rich text value is cleaned when it is written, whatever
the path. Allowed: the tags the editor produces plus Wagtail's internal `<a linktype>` and
`<embed embedtype>` references; `javascript:`/`data:` links, scripts, styles and event
attributes are removed.
"""

from __future__ import annotations

import nh3

TAGS = {
    "p", "br", "h2", "h3", "h4", "b", "i", "strong", "em", "u", "s", "sub", "sup", "ol", "ul", "li",
    "a", "blockquote", "hr", "code", "pre", "embed", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html: str) -> str:
    """Return `html` with only allowed tags, attributes and URL schemes."""
    if not html:
        return html
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
