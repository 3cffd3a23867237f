"""Markdown to safe HTML for blog posts: Python-Markdown renders, nh3 keeps only an allow-list.

What is stored is the author's Markdown source and the sanitised HTML made from it, so a page view
never renders Markdown: Python-Markdown (markdown_source.py) and nh3 are loaded by the first
request that writes, not by the pages that read (2.8 MB a process). No <img> is allowed, so no post
can load anything from a third-party address.

Photos inline come from the class albums: `![texte](photo:123)` in the source is stored as a
reference (<span data-photo="123">texte</span>), and resolve_photos() turns it into the picture at
view time, for the reader at hand: a photo tagged with a pupil without image-rights consent must be
absent for readers who may not see it, so the decision cannot live in the stored HTML.
"""
import functools
import html
import re

from markupsafe import Markup

ALLOWED_TAGS = {'p', 'br', 'strong', 'em', 'b', 'i', 'del', 's', 'ul', 'ol', 'li', 'h2', 'h3',
                'h4', 'blockquote', 'a', 'code', 'pre', 'hr', 'span'}
ALLOWED_ATTRIBUTES = {'a': {'href', 'title'}, 'span': {'data-photo'}}
PHOTO_REF = re.compile(r'<span data-photo="(\d{1,12})">(.*?)</span>', re.S)
URL_SCHEMES = {'http', 'https', 'mailto'}


def resolve_photos(fragment, figure):
    """Replace each photo reference by figure(photo_id, alt_text), '' when the reader may not see it;
    a <figure> never stays inside a paragraph (see lift_figures)."""
    return lift_figures(PHOTO_REF.sub(lambda m: figure(int(m.group(1)), html.unescape(m.group(2))), fragment))


# A <figure> may stand in the body, a list item or a quotation, never in a paragraph, a heading or
# inline text: `![texte](photo:1)` is inside a <p> (maybe a <strong>) in the stored HTML.
FLOW_PARENTS = {'li', 'blockquote'}
VOID_TAGS = {'br', 'hr', 'img'}
_FIGURE_OR_TAG = re.compile(r'(?P<figure><figure\b.*?</figure>)|<(?P<end>/?)(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*>',
                            re.S)
_EMPTY = re.compile(r'<(p|h[2-4]|strong|em|b|i|del|s|code|a|span)\b[^>]*>\s*</\1>')


def lift_figures(fragment):
    """The HTML with each <figure> taken out of the elements that may not hold one: they are
    closed before it and opened again after it (`<p>a<figure/>b</p>` -> `<p>a</p><figure/><p>b</p>`),
    and the elements left empty by that are removed. The fragment is nh3's output (tags balanced,
    attributes quoted), so a tag scan is enough."""
    if '<figure' not in fragment:
        return fragment
    out, open_tags, pos = [], [], 0
    for match in _FIGURE_OR_TAG.finditer(fragment):
        out.append(fragment[pos:match.start()])
        pos = match.end()
        name = (match.group('name') or '').lower()
        if match.group('figure'):
            keep = len(open_tags)
            while keep and open_tags[keep - 1][0] not in FLOW_PARENTS:
                keep -= 1
            lifted = open_tags[keep:]
            out += [f'</{n}>' for n, _tag in reversed(lifted)] + [match.group('figure')]
            out += [tag for _n, tag in lifted]
        elif match.group('end'):
            if open_tags and open_tags[-1][0] == name:
                open_tags.pop()
            out.append(match.group(0))
        else:
            if name not in VOID_TAGS:
                open_tags.append((name, match.group(0)))
            out.append(match.group(0))
    out.append(fragment[pos:])
    lifted, previous = ''.join(out), None
    while lifted != previous:
        previous, lifted = lifted, _EMPTY.sub('', lifted)
    return lifted


def photo_ids(fragment):
    """The ids of the album photos a stored post body references."""
    return {int(match.group(1)) for match in PHOTO_REF.finditer(fragment or '')}


def without_photos(fragment):
    """The body with its photo references (and their titles) taken out: for excerpts."""
    return resolve_photos(fragment, lambda _photo_id, _alt: '')


# Where a block starts or ends (or a line breaks), the excerpt's words must not run together.
BLOCK_EDGE = re.compile(r'<(?:/?(?:p|li|ul|ol|h[1-6]|blockquote|pre|figure|figcaption|div)|br|hr)\b[^>]*>', re.I)
BREAK = '\x00'
ENDS_A_CLAUSE = tuple('.!?:;,…')


def _join_blocks(text):
    """The blocks' texts in a row: a space after punctuation, « · » between blocks that end
    without any (list items, headings, lines), so « 8 h 30 · prévoir des bottes »."""
    pieces = [piece.strip() for piece in text.split(BREAK)]
    joined = ''
    for piece in filter(None, pieces):
        joined += piece if not joined else (' ' if joined.endswith(ENDS_A_CLAUSE) else ' · ') + piece
    return joined


@functools.lru_cache(maxsize=1024)
def excerpt(fragment, length=220):
    """The plain text of a post's start for lists: no photo titles (the reader may not be allowed
    the photo), no tags, words of different blocks kept apart, cut at a word. Cached by content: a
    list page shows the same few posts to every reader, and stripping tags was a tenth of the class
    blog page (profiled)."""
    text = _join_blocks(Markup(BLOCK_EDGE.sub(BREAK, without_photos(fragment or ''))).striptags())
    if len(text) <= length + 5:
        return text
    return text[:length - 1].rsplit(' ', 1)[0] + '…'


def sanitize(fragment):
    """Keep only the allow-listed tags and attributes; links get rel="noopener noreferrer nofollow"."""
    import nh3
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel='noopener noreferrer nofollow',
                     clean_content_tags={'script', 'style'})


def render_markdown(source):
    """The safe HTML of a Markdown text (single line breaks are kept, as people expect)."""
    from . import markdown_source
    return sanitize(markdown_source.to_html(source or ''))
