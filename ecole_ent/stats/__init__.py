"""Usage statistics, private by design (issue 19): recording, nightly fold, pages, export."""
