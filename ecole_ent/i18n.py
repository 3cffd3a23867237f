"""Translation: French is the source language; `_()` marks every string a user reads.

Catalogs would live in ecole_ent/locale/<lang>/LC_MESSAGES/ecole_ent.mo; with none installed
gettext falls back to the French source text.
"""
import gettext
from pathlib import Path

_translation = gettext.translation('ecole_ent', Path(__file__).parent / 'locale', fallback=True)
_ = _translation.gettext
ngettext = _translation.ngettext
