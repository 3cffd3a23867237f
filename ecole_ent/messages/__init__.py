"""Parent messaging: threads between guardians and their children's teachers and director, and
between staff (/messages)."""
