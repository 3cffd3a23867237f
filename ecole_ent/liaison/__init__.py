"""The cahier de liaison: notes to families, each legal guardian reading, signing or answering
separately (/cahier-de-liaison)."""
