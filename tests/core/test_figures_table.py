"""Figures as articles write them, in English, German, French, Italian and
Spanish: each expression with the figures it must give (unit and value, in
order), pairs that must report the same amount and pairs that must not, and
hostile input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.figures import decimal_mark, extract_figures, figures_disagree, read_number

D = Decimal
M, B = 10**6, 10**9

# (text, [(unit, value), ...]) — every figure the text holds, in order.
TABLE = [
    # ---------------------------------------------------------------- English
    ("It pays $900K a year.", [("USD", 900_000)]),
    ("It pays $900,000 a year.", [("USD", 900_000)]),
    ("about 900 thousand dollars", [("USD", 900_000)]),
    ("some $0.9 million", [("USD", 900_000)]),
    ("US$ 900,000 in all", [("USD", 900_000)]),
    ("USD 900,000 in all", [("USD", 900_000)]),
    ("900,000 USD in all", [("USD", 900_000)]),
    ("a $3.5bn deal", [("USD", D("3.5") * B)]),
    ("a $3.5 billion deal", [("USD", D("3.5") * B)]),
    ("€2.3bn of aid", [("EUR", D("2.3") * B)]),
    ("£1.5m in damages", [("GBP", D("1.5") * M)]),
    ("£50k salary", [("GBP", 50_000)]),
    ("€900K budget", [("EUR", 900_000)]),
    ("CHF 900,000 fine", [("CHF", 900_000)]),
    ("¥1.2bn", [("JPY", D("1.2") * B)]),
    ("C$4.5m", [("CAD", D("4.5") * M)]),
    ("A$20 million", [("AUD", 20 * M)]),
    ("HK$3bn", [("HKD", 3 * B)]),
    ("₹500 crore", [("INR", 500 * 10**7)]),
    ("Rs 1,50,000", [("INR", 150_000)]),
    ("12 lakh people", [("count", 12 * 10**5)]),
    ("five million dollars", [("USD", 5 * M)]),
    ("two hundred euros", [("EUR", 200)]),
    ("1.5m people", [("count", D("1.5") * M)]),
    ("raised 3.5bn", [("count", D("3.5") * B)]),
    ("2000 workers", [("count", 2000)]),
    ("2,000 workers", [("count", 2000)]),
    ("2000 workers in 2023", [("count", 2000), ("year", 2023)]),
    ("since 1999", [("year", 1999)]),
    ("in 2023", [("year", 2023)]),
    ("in the early 1990 budget", [("year", 1990)]),
    ("in mid-2021", [("year", 2021)]),
    ("by March 2024", [("year", 2024)]),
    ("on May 5, 2023", [("year", 2023)]),
    ("on 5 May 2023", [("year", 2023)]),
    ("from 2019 to 2023", [("year", 2019), ("year", 2023)]),
    ("the 2023-24 season", [("year", 2023)]),
    ("35%", [("percent", 35)]),
    ("35 per cent", [("percent", 35)]),
    ("35 percent", [("percent", 35)]),
    ("five per cent", [("percent", 5)]),
    ("35–40%", [("percent", 35), ("percent", 40)]),
    ("70 to 75% of actors", [("percent", 70), ("percent", 75)]),
    ("between $300,000 and $900,000", [("USD", 300_000), ("USD", 900_000)]),
    ("$300,000-$900,000", [("USD", 300_000), ("USD", 900_000)]),
    ("$300,000 to 900,000", [("USD", 300_000), ("USD", 900_000)]),
    ("€3-4bn", [("EUR", 3 * B), ("EUR", 4 * B)]),
    ("between 3 and 4 million euros", [("EUR", 3 * M), ("EUR", 4 * M)]),
    ("thirty-five actors", [("count", 35)]),
    ("In 2020 there were 1,200 of them", [("year", 2020), ("count", 1200)]),
    ("1,234.56 dollars", [("USD", D("1234.56"))]),
    ("$0.50 each", [("USD", D("0.5"))]),
    ("6.5 points", [("count", D("6.5"))]),
    ("555 workers", [("count", 555)]),
    ("one of the biggest issues", []),
    ("thousands of people", []),
    # not figures
    ("9/11", []),
    ("24/7 service", []),
    ("a 3:1 vote", []),
    ("at 10:30", []),
    ("at 10 am", []),
    ("at 3 p.m.", []),
    ("call +1 (555) 123-4567", []),
    ("call (555) 123-4567", []),
    ("call 555-1234", []),
    ("call +44 20 7946 0958", []),
    ("on 2023-05-01", []),
    ("on 05/01/2023", []),
    ("version 3.11", []),
    ("v2.1 ships", []),
    ("release 1.2.3", []),
    ("section 4.2", []),
    ("see page 12", []),
    ("Article 5", []),
    ("No. 10", []),
    ("COVID-19 cases", []),
    ("the 1990s", []),
    ("a 10km run", []),
    ("the 1st time", []),
    ("dialled 030", []),
    # ---------------------------------------------------------------- German
    ("Das Gehalt liegt bei 650.000 €.", [("EUR", 650_000)]),
    ("1,2 Mio. €", [("EUR", D("1.2") * M)]),
    ("1,5 Milliarden Euro", [("EUR", D("1.5") * B)]),
    ("5 Mrd. Euro", [("EUR", 5 * B)]),
    ("3,5 Mrd. €", [("EUR", D("3.5") * B)]),
    ("2,4 Millionen Einwohner", [("count", D("2.4") * M)]),
    ("1,5 Mio. Einwohner", [("count", D("1.5") * M)]),
    ("12,5 Prozent", [("percent", D("12.5"))]),
    ("3,5 %", [("percent", D("3.5"))]),
    ("1.234,56 €", [("EUR", D("1234.56"))]),
    ("1.500.000 Euro", [("EUR", 1_500_000)]),
    ("im Jahr 2023", [("year", 2023)]),
    ("seit 1999", [("year", 1999)]),
    ("am 5. Mai 2023", [("year", 2023)]),
    ("am 05.03.2023", []),
    ("um 15 Uhr", []),
    ("Die Firma hat 1.500 Mitarbeiter und der Umsatz steigt.", [("count", 1500)]),
    ("bis 2000 Mitarbeiter", [("count", 2000)]),
    ("1'500'000 CHF", [("CHF", 1_500_000)]),
    ("Kapitel 3", []),
    # ---------------------------------------------------------------- French
    ("1 500 000 €", [("EUR", 1_500_000)]),
    ("1\u202f500\u202f000 euros", [("EUR", 1_500_000)]),
    ("1,2 million d'euros", [("EUR", D("1.2") * M)]),
    ("1,2 millions d'euros", [("EUR", D("1.2") * M)]),
    ("3 milliards d'euros", [("EUR", 3 * B)]),
    ("2,5 Md€", [("EUR", D("2.5") * B)]),
    ("450 M€", [("EUR", 450 * M)]),
    ("12 pour cent", [("percent", 12)]),
    ("12,3\u202f%", [("percent", D("12.3"))]),
    ("en 2023", [("year", 2023)]),
    ("depuis 2015", [("year", 2015)]),
    ("le 5 mai 2023", [("year", 2023)]),
    ("25 000 personnes", [("count", 25_000)]),
    ("In 2019 200 workers left", [("year", 2019), ("count", 200)]),
    ("1 234,5 km", [("count", D("1234.5"))]),
    ("chapitre 4", []),
    # ---------------------------------------------------------------- Italian
    ("2 miliardi di euro", [("EUR", 2 * B)]),
    ("1,5 milioni di euro", [("EUR", D("1.5") * M)]),
    ("3,2 milioni di abitanti", [("count", D("3.2") * M)]),
    ("il 12 per cento", [("percent", 12)]),
    ("nel 2023", [("year", 2023)]),
    ("dal 2010", [("year", 2010)]),
    ("5 maggio 2023", [("year", 2023)]),
    ("articolo 7", []),
    # ---------------------------------------------------------------- Spanish
    ("3 millones de dólares", [("USD", 3 * M)]),
    ("3 mil millones de euros", [("EUR", 3 * B)]),
    ("1,5 millones de euros", [("EUR", D("1.5") * M)]),
    ("el 12 por ciento", [("percent", 12)]),
    ("desde 2020", [("year", 2020)]),
    ("5 de mayo de 2023", [("year", 2023)]),
    ("artículo 3", []),
    ("entre 3 y 4 millones de euros", [("EUR", 3 * M), ("EUR", 4 * M)]),
]


def figures(text, mark=None):
    return [(f.unit, f.value) for f in extract_figures(text, mark)]


def test_the_table_is_large_enough():
    assert len(TABLE) >= 100


@pytest.mark.parametrize("text,expected", TABLE, ids=[t for t, _ in TABLE])
def test_each_expression_reads_as_expected(text, expected):
    assert figures(text) == [(unit, D(value)) for unit, value in expected]
    for f in extract_figures(text):
        assert text[f.start:f.end] == f.text  # spans point at the text


SAME = [
    ("Das Gehalt liegt bei 650.000 €.", "The salary is €650,000."),
    ("It pays $900,000.", "It pays a whopping $900K."),
    ("up to $650,000 annually", "a $650K role"),
    ("2000 workers went on strike", "2,000 workers went on strike"),
    ("€2.3bn of aid", "2,3 Mrd. € an Hilfen"),
    ("1,2 millions d'euros", "€1.2m"),
    ("3 mil millones de dólares", "$3bn"),
    ("1 500 000 €", "1.500.000 Euro"),
    ("USD 900,000", "$900,000"),
    ("Die Firma hat 1.500 Mitarbeiter und der Umsatz steigt.", "The firm has 1,500 staff and the sales rise."),
    ("15,5 % der Stimmen", "15.5% of the vote"),
    ("12,5 Prozent", "12.5%"),
    ("2 miliardi di euro", "EUR 2 billion"),
]
DIFFERENT = [
    ("It pays $900,000.", "It pays $650K."),
    ("€900,000", "€650,000"),
    ("1,5 Mio. €", "€1.6m"),
    ("35%", "40%"),
    ("It shipped 1,600 tonnes.", "It shipped 1,500 tonnes."),
    ("Die Firma hat 1.500 Mitarbeiter und der Umsatz steigt.", "The firm has 1,600 staff and the sales rise."),
]
UNRELATED = [  # different units: never compared, never flagged
    ("€900,000", "$900,000"),
    ("£900,000", "CHF 900,000"),
    ("in 2000", "2000 workers"),
    ("35%", "$35"),
]


@pytest.mark.parametrize("a,b", SAME)
def test_the_same_amount_in_two_conventions_agrees_and_matches(a, b):
    assert figures_disagree(a, b) == []
    assert set(figures(a)) & set(figures(b))  # a shared figure: what matching passages look for


def test_the_issue_example():
    assert not figures_disagree('Das Gehalt liegt bei 650.000 €.', 'The salary is €650,000.')


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_amounts_disagree(a, b):
    assert figures_disagree(a, b)


@pytest.mark.parametrize("a,b", UNRELATED)
def test_different_units_never_match_or_disagree(a, b):
    assert figures_disagree(a, b) == []
    assert not set(figures(a)) & set(figures(b))


# ------------------------------------------------------------------ ambiguity
def test_a_dot_before_three_digits_is_read_only_with_evidence():
    assert figures("1.500") == []  # no evidence at all: unread
    assert figures("1.500 km") == []
    assert figures("1.500", ",") == [("count", 1500)]  # the document writes decimal commas
    assert figures("1.500", ".") == [("count", D("1.5"))]
    assert figures("Die Stadt hat 1.500 Einwohner und ist klein.") == [("count", 1500)]  # German words
    assert figures("It is 1.500 and the index is up.") == [("count", D("1.5"))]  # English words
    assert figures("Sales were 1.234,5 and 1.500 units.") == [("count", D("1234.5")), ("count", 1500)]
    assert figures("1,500 workers") == [("count", 1500)]  # a comma before three digits groups
    assert figures("1,500", ",") == [("count", D("1.5"))]  # unless the document writes decimal commas
    assert figures("Die Firma hat 1,500 Tonnen und der Rest ist leer.") == [("count", D("1.5"))]
    assert figures("€1.500") == [("EUR", 1500)]  # money is quoted to two decimals
    assert figures("1.500 Millionen Euro", ",") == [("EUR", 1500 * M)]
    assert figures("$1.500 million", ".") == [("USD", D("1.5") * M)]


def test_the_decimal_mark_of_a_text():
    assert decimal_mark("Der Umsatz stieg um 3,5 % auf 1.234,5 Mio.") == ","
    assert decimal_mark("Revenue rose 3.5% to $1,234.5m.") == "."
    assert decimal_mark("Die Zahl der Mitarbeiter ist gestiegen, und die Firma wächst.") == ","
    assert decimal_mark("The number of workers rose and the firm is growing.") == "."
    assert decimal_mark("1.500") is None


# ------------------------------------------------------------------ hostile input
def test_hostile_input():
    assert figures("9" * 100_000) == []  # a digit run that long is no figure, and reading it ends
    assert figures("$" + "9" * 31) == []
    assert figures("😀$900K😀 and 𝟗𝟎𝟎 workers") == [("USD", 900_000)]  # astral neighbours; math digits unread
    text = "😀 pays $900,000 😀"
    (f,) = extract_figures(text)
    assert text[f.start:f.end] == "$900,000"  # code points, not UTF-16 units
    assert figures("٣٥٪ و ٩٠٠ ألف دولار") == []  # Arabic-Indic digits are not read
    assert figures("３５％") == []  # nor full-width ones
    assert figures("1,2,3,4,5,6") == []
    assert figures("1.2.3.4") == []
    assert figures("$$$ %%% ,,, ...") == []
    assert figures("\x00 5 \u200b 6") == [("count", 5), ("count", 6)]
    big = "It cost $900K. " * 20_000
    assert len(extract_figures(big)) == 20_000


# ------------------------------------------------------------------ properties
def _english(n: Decimal) -> str:
    return f"{n:,.2f}"


def _german(n: Decimal) -> str:
    return f"{n:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _french(n: Decimal) -> str:
    return f"{n:,.2f}".replace(",", "\u202f").replace(".", ",")


def _swiss(n: Decimal) -> str:
    return f"{n:,.2f}".replace(",", "'")


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["€", "EUR", "£", "CHF", "$", "USD"]))
def test_an_amount_written_in_any_convention_reads_back(cents, currency):
    value = D(cents) / 100
    expected_unit = {"€": "EUR", "£": "GBP", "$": "USD"}.get(currency, currency)
    for write in (_english, _german, _french, _swiss):
        for text in (f"{currency} {write(value)}", f"{write(value)} {currency}"):
            assert figures(f"Es kostet {text} heute.") == [(expected_unit, value)], text
            assert figures(f"It cost {text} today.") == [(expected_unit, value)], text


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1000, max_value=10**9), st.sampled_from([".", ","]))
def test_a_count_grouped_in_the_documents_convention_reads_back(n, mark):
    group = "," if mark == "." else "."
    written = f"{n:,}".replace(",", group)
    assert read_number(written, decimal_mark=mark) == n
    assert figures(f"{written} workers", mark) == [("count", n)]


SCALES = [("k", 10**3), ("m", M), ("bn", B), (" million", M), (" billion", B), (" Mio.", M), (" Mrd.", B),
          (" Millionen", M), (" Milliarden", B), (" millions d'", M), (" milliards d'", B), (" milioni di", M),
          (" miliardi di", B), (" millones de", M), (" mil millones de", B), (" crore", 10**7), (" lakh", 10**5)]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99),
       st.sampled_from(SCALES), st.sampled_from([".", ","]))
def test_a_scaled_amount_with_decimals_in_either_convention_reads_back(whole, hundredths, scale, mark):
    """"2,35 Mrd. €", "€2.35bn", "2,35 milliards d'euros": the same amount."""
    word, factor = scale
    number = f"{whole}{mark}{hundredths:02d}" if hundredths else f"{whole}"
    value = (D(whole) + D(hundredths) / 100) * factor
    if word.endswith("'"):
        text = f"{number}{word}euros"
    elif word.endswith((" di", " de")):
        text = f"{number}{word} euro"
    else:
        text = f"€{number}{word}"
    assert figures(f"Sie zahlte {text} dafür.") == [("EUR", value)], text


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=9),
       st.sampled_from(["%", " %", "\u202f%", " percent", " Prozent", " pour cent", " per cento", " por ciento"]),
       st.sampled_from([".", ","]))
def test_a_percentage_in_either_convention_reads_back(whole, tenth, sign, mark):
    text = f"{whole}{mark}{tenth}{sign}" if tenth else f"{whole}{sign}"
    assert figures(f"Es waren {text} mehr.") == [("percent", D(whole) + D(tenth) / 10)], text
