"""Markdown to safe HTML for blog posts: Python-Markdown renders, nh3 keeps only an allow-list.

What is stored is the author's Markdown source and the sanitised HTML made from it, so a page view
never renders Markdown. No <img> is allowed, so no post can load anything from a third-party address.

Not done yet, photos inline (issue 5): pictures must come from the class albums through the photos
feature's permission-checked /media/ route, and a photo tagged with a pupil without image-rights
consent must be absent for readers who may not see it. That decision depends on the reader, so it
cannot live in the stored HTML: the plan is a reference such as ![texte](photo:123) kept in the
source, resolved at view time with photos.service.visible_photos() (class pages) and
photos.service.safe_for_everyone() (public page and feed), dropping what the reader may not see.
"""
import markdown
import nh3
from markdown.extensions.nl2br import Nl2BrExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {'p', 'br', 'strong', 'em', 'b', 'i', 'del', 's', 'ul', 'ol', 'li', 'h2', 'h3',
                'h4', 'blockquote', 'a', 'code', 'pre', 'hr'}
ALLOWED_ATTRIBUTES = {'a': {'href', 'title'}}
URL_SCHEMES = {'http', 'https', 'mailto'}


class _ShiftHeadings(Treeprocessor):
    """Headings start at <h2> (the page's <h1> is the post's title) and skip no level: the
    levels used, whatever they are, become h2, h3, h4 in order."""

    def run(self, root):
        headings = [e for e in root.iter() if e.tag in ('h1', 'h2', 'h3', 'h4', 'h5', 'h6')]
        levels = sorted({int(e.tag[1]) for e in headings})
        for element in headings:
            element.tag = 'h%d' % min(2 + levels.index(int(element.tag[1])), 4)


class _ShiftHeadingsExtension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ShiftHeadings(md), 'shift_headings', 5)


def sanitize(fragment):
    """Keep only the allow-listed tags and attributes; links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel='noopener noreferrer nofollow',
                     clean_content_tags={'script', 'style'})


def render_markdown(source):
    """The safe HTML of a Markdown text (single line breaks are kept, as people expect)."""
    # extension objects, not names: names are looked up at run time, which a frozen binary hides
    md = markdown.Markdown(extensions=[SaneListExtension(), Nl2BrExtension(), _ShiftHeadingsExtension()],
                           output_format='html')
    return sanitize(md.convert(source or ''))
