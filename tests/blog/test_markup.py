"""Markdown is rendered, then only the allow-list survives."""
from ecole_ent.blog import markup


def test_markdown_gives_simple_html_with_headings_under_the_page_title():
    html = markup.render_markdown('# Sortie\n\nNous avons vu **des chèvres**\net des poules.\n\n- un\n- deux')
    assert '<h2>Sortie</h2>' in html and '<strong>des chèvres</strong><br>' in html
    assert '<ul>' in html and '<li>un</li>' in html


def test_heading_levels_never_skip():
    html = markup.render_markdown('### Trois\n\n###### Six')
    assert '<h2>Trois</h2>' in html and '<h3>Six</h3>' in html


def test_links_keep_safe_schemes_only_and_get_rel():
    html = markup.render_markdown('[ok](https://ecole.fr) [bad](javascript:alert(1)) [rel](/blog)')
    assert 'href="https://ecole.fr"' in html and 'href="/blog"' in html
    assert 'javascript' not in html and 'rel="noopener noreferrer nofollow"' in html


def test_raw_html_outside_the_allow_list_is_removed():
    html = markup.render_markdown('<script>alert(1)</script><img src=x onerror=alert(1)>'
                                  '<iframe src="https://evil"></iframe><b onclick="x()">gras</b>')
    assert '<script' not in html and '<img' not in html and '<iframe' not in html
    assert 'onclick' not in html and 'alert' not in html and '<b>gras</b>' in html
