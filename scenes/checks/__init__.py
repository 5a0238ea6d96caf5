"""Checks of a constructed slide: layout after every animation and inside it,
and the numeral audit."""
