"""Photos helpers. The `scene` fixture (a class album with a photo for each consent) is in
tests/conftest.py: the blog's public page uses it too."""
import re


def media_urls(html):
    return set(re.findall(r'/media/([0-9a-f]{64})\.jpg', html))
