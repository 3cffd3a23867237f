"""Python-Markdown set up for the posts, notes and homework that teachers write (blog/markup.py
sanitizes what it gives): headings start at <h2>, images become photo references or nothing."""
import re

import markdown
from markdown.extensions.nl2br import Nl2BrExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.treeprocessors import Treeprocessor


class _ShiftHeadings(Treeprocessor):
    """Headings start at <h2> (the page's <h1> is the post's title) and skip no level: the
    levels used, whatever they are, become h2, h3, h4 in order."""

    def run(self, root):
        headings = [e for e in root.iter() if e.tag in ('h1', 'h2', 'h3', 'h4', 'h5', 'h6')]
        levels = sorted({int(e.tag[1]) for e in headings})
        for element in headings:
            element.tag = 'h%d' % min(2 + levels.index(int(element.tag[1])), 4)


class _PhotoReferences(Treeprocessor):
    """![texte](photo:123) -> <span data-photo="123">texte</span>; any other image is dropped."""

    def run(self, root):
        for element in root.iter():
            if element.tag == 'img':
                match = re.fullmatch(r'photo:(\d{1,12})', element.get('src', ''))
                alt = element.get('alt', '')
                element.attrib.clear()
                element.tag = 'span'
                element.text = alt
                if match:
                    element.set('data-photo', match.group(1))


class _ShiftHeadingsExtension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ShiftHeadings(md), 'shift_headings', 5)
        md.treeprocessors.register(_PhotoReferences(md), 'photo_references', 4)


def to_html(source):
    """The HTML of a Markdown text (single line breaks are kept, as people expect), not yet sanitized."""
    # extension objects, not names: names are looked up at run time, which a frozen binary hides
    md = markdown.Markdown(extensions=[SaneListExtension(), Nl2BrExtension(), _ShiftHeadingsExtension()],
                           output_format='html')
    return md.convert(source)
