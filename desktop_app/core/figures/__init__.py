"""Figures in text: numbers with their units, normalised so that two sources
reporting the same amount in different styles, currencies' signs or
languages can be compared.

"$900K", "$900,000", "900 thousand dollars", "US$0.9 million" and
"USD 900,000" all read as ``Figure(value=Decimal(900000), unit="USD")``;
"650.000 €", "€650,000" and "0,65 Mio. Euro" as 650000 "EUR"; "35%",
"35 percent" and "35 Prozent" as (35, "percent"); "2000 workers" and
"2,000 workers" as (2000, "count"); a four-digit number is a year only when
its context says so ("in 2023", "since 1999", "im Jahr 2023", "5 May 2023").
Dates, times, phone numbers, ratios, version numbers and references
("9/11", "section 4.2") are not figures, and a number whose grouping cannot
be told ("1.500" with no other evidence) is left unread rather than guessed.

Modules: ``vocabulary`` (currencies, scale words, the words around years
and references), ``numbers`` (the digits of one number in either
convention, a text's decimal mark, English number words), ``reader``
(finding the figures of a text), ``compare`` (figures two quotes disagree
on), ``search`` (the spellings a search looks for).
"""

from __future__ import annotations

from desktop_app.core.figures.compare import disagreeing_links, figure_keys, figures_disagree
from desktop_app.core.figures.model import COUNT, PERCENT, YEAR, Figure, format_value, is_currency
from desktop_app.core.figures.numbers import decimal_mark, read_number, words_to_int
from desktop_app.core.figures.reader import extract_figures
from desktop_app.core.figures.search import MAX_SPELLINGS, query_figures, spellings

__all__ = [
    "COUNT", "PERCENT", "YEAR", "Figure", "MAX_SPELLINGS", "decimal_mark", "disagreeing_links",
    "extract_figures", "figure_keys", "figures_disagree", "format_value", "is_currency", "query_figures",
    "read_number", "spellings", "words_to_int",
]
