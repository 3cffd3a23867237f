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


def test_an_excerpt_keeps_the_blocks_words_apart():
    """List items, headings, paragraphs and line breaks do not run together in lists of posts."""
    assert markup.excerpt(markup.render_markdown('- 8 h 30\n- prévoir des bottes')) == '8 h 30 · prévoir des bottes'
    assert (markup.excerpt(markup.render_markdown('Sortie :\n\n- 8 h 30\n- bottes\n\n## Retour\nÀ 16 h.\n\nMerci'))
            == 'Sortie : 8 h 30 · bottes · Retour · À 16 h. Merci')
    assert markup.excerpt(markup.render_markdown('**Lundi**\nmardi')) == 'Lundi · mardi'
    assert markup.excerpt(markup.render_markdown('- un\n    - deux\n- trois')) == 'un · deux · trois'


def test_an_excerpt_still_joins_inline_words_and_has_no_tags_entities_or_photo_titles():
    html = markup.render_markdown('Un **gr**as & <em>rien</em>.\n\n![Le parc](photo:7)\n\nFin')
    assert markup.excerpt(html) == 'Un gras & rien. Fin'


def test_a_long_excerpt_is_cut_at_a_word_and_is_cached():
    html = markup.render_markdown('\n'.join(f'- élément {n}' for n in range(80)))
    first = markup.excerpt(html)
    assert len(first) <= 221 and first.endswith('…') and ' · élément 1 · ' in first
    hits = markup.excerpt.cache_info().hits
    assert markup.excerpt(html) is first and markup.excerpt.cache_info().hits == hits + 1
