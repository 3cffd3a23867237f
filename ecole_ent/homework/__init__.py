"""The homework notebook (cahier de textes)."""
