"""The words and signs around a number that say what it counts: currencies,
scale words, percent signs, months, and the words that make a number a year
or a reference. Tables only; ``reader`` turns them into patterns."""

from __future__ import annotations

import re
from decimal import Decimal

# ------------------------------------------------------------------ currencies
# Signs written next to the number, before or after it. A bare "$" is the US
# dollar and a bare "¥" the Japanese yen, as news in English writes them;
# other dollars and the yuan carry their prefix ("C$", "CN¥").
CURRENCY_SIGNS = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "Mex$": "MXN", "€": "EUR", "£": "GBP",
    "¥": "JPY", "JP¥": "JPY", "CN¥": "CNY", "₹": "INR", "Rs.": "INR", "Rs": "INR", "₩": "KRW",
    "₽": "RUB", "₺": "TRY", "₪": "ILS", "zł": "PLN", "Kč": "CZK", "SFr.": "CHF",
}
# ISO 4217 codes read as currencies (upper case, a whole word, before or after the number).
ISO_CODES = frozenset(
    """USD EUR GBP JPY CHF CNY INR CAD AUD NZD HKD SGD SEK NOK DKK ISK PLN CZK HUF RON BGN RUB UAH TRY ILS
    AED SAR QAR KWD EGP NGN KES ZAR MAD BRL MXN ARS CLP COP PEN KRW TWD THB IDR MYR VND PKR BDT""".split()
)
ALIASES = {"RMB": "CNY"}  # common non-ISO codes
# Currency names written after the number (lower-cased for lookup), with the
# connectors languages put between a scale word and the currency
# ("millions d'euros", "millones de dólares", "miliardi di euro").
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "dólar": "USD",
    "dólares": "USD", "dollari": "USD", "dollaro": "USD", "us-dollar": "USD",
    "euro": "EUR", "euros": "EUR",
    "pound": "GBP", "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP", "pfund": "GBP",
    "sterline": "GBP", "libras": "GBP", "livres sterling": "GBP",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "rupee": "INR", "rupien": "INR",
    "roupies": "INR", "rupias": "INR", "swiss francs": "CHF", "franken": "CHF", "francs suisses": "CHF",
    "franchi svizzeri": "CHF", "francos suizos": "CHF",
}
CONNECTORS = r"(?:(?:of|de|di|del)\s+|d['’])"


def currency_of(sign: str) -> str | None:
    """The ISO code a sign, code or currency word stands for (None: not a currency)."""
    if sign in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[sign]
    if sign in ISO_CODES:
        return sign
    if sign in ALIASES:
        return ALIASES[sign]
    return CURRENCY_WORDS.get(" ".join(sign.lower().split()))


# ------------------------------------------------------------------ scales
# Scale words after a number, lower-cased for lookup. "billion" is 10^9 (the
# short scale news uses in every language listed here); the German and French
# words for 10^9 are "Milliarde" and "milliard", and German "Billionen" is 10^12.
SCALE_WORDS = {
    "thousand": 10**3, "thousands": 10**3, "tsd.": 10**3, "tsd": 10**3, "tausend": 10**3, "mila": 10**3,
    "million": 10**6, "millions": 10**6, "mn": 10**6, "mln": 10**6, "mio.": 10**6, "mio": 10**6,
    "millionen": 10**6, "milione": 10**6, "milioni": 10**6, "millón": 10**6, "millones": 10**6,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "bln": 10**9, "mrd.": 10**9, "mrd": 10**9,
    "md": 10**9, "mds": 10**9, "milliarde": 10**9, "milliarden": 10**9, "milliard": 10**9,
    "milliards": 10**9, "miliardo": 10**9, "miliardi": 10**9, "mil millones": 10**9,
    "trillion": 10**12, "trillions": 10**12, "tn": 10**12, "billionen": 10**12,
    "lakh": 10**5, "lakhs": 10**5, "lac": 10**5, "crore": 10**7, "crores": 10**7,
}
# Single letters glued to the number: "900K", "1.5m", "$3B". "b" needs a
# currency (a "5b" alone is more often a label), and a letter written after a
# space needs one too ("5 m" alone is five metres).
SCALE_LETTERS = {"k": 10**3, "K": 10**3, "m": 10**6, "M": 10**6, "b": 10**9, "B": 10**9}


def scale_of(word: str) -> int | None:
    if word in SCALE_LETTERS:
        return SCALE_LETTERS[word]
    return SCALE_WORDS.get(" ".join(word.lower().split()))


def scale_decimal(word: str | None) -> Decimal:
    return Decimal(scale_of(word) or 1) if word else Decimal(1)


# ------------------------------------------------------------------ percent
PERCENT_WORDS = ("%", "percent", "per cent", "prozent", "pour cent", "pourcent", "per cento", "percento",
                 "por ciento", "por cien")

# ------------------------------------------------------------------ dates
MONTHS_EN = ("January|February|March|April|May|June|July|August|September|October|November|December|"
             "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")  # capitalised: "may" is a verb
MONTHS_OTHER = (
    "januar|jänner|februar|märz|maerz|mai|juni|juli|oktober|dezember|"  # de (others as in English)
    "janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|"  # fr
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|dicembre|"  # it
    "enero|febrero|abril|mayo|junio|julio|septiembre|setiembre|octubre|noviembre|diciembre"  # es
)
MONTH = rf"(?:(?:{MONTHS_EN})\b\.?|(?i:(?:{MONTHS_OTHER}|april|august|september|november))\b)"

# Words right before a four-digit number that make it a year ("in 2023",
# "since 1999", "im Jahr 2023", "en 2023", "nel 2023", "desde 2020").
# "bis", "vor", "hasta" are left out: "bis 2000 Mitarbeiter" is a count.
YEAR_BEFORE = re.compile(
    r"(?:^|[^\w'’])(?:in|since|by|from|until|till|through|during|before|after|year|fiscal|fy|early|late|"
    r"spring|summer|autumn|fall|winter|as\s+of|back\s+in|circa|"
    r"seit|jahr|jahre|jahres|anfang|ende|mitte|frühjahr|sommer|herbst|"
    r"en|depuis|dès|année|jusqu['’]en|début|fin|"
    r"nel|dal|dall['’]|anno|nell['’]anno|entro\s+il|fino\s+al|"
    r"desde|año|durante)"
    r"(?:\s+(?:the\s+)?(?:(?:early|late|mid)[\s-])?)?\s*$|mid-$",
    re.IGNORECASE,
)
# Words right before a number that make it a reference, not a figure.
REFERENCE_BEFORE = re.compile(
    r"(?:^|[^\w'’])(?:sections?|§§?|articles?|art\.|chapters?|ch\.|pages?|p\.|pp\.|paragraphs?|para\.|clauses?|"
    r"figures?|fig\.|tables?|lines?|footnotes?|notes?|no\.|nos\.|nr\.|n[°º]|#|items?|rules?|amendments?|"
    r"title|volume|vol\.|issue|version|versions|v\.?|release|level|phase|grade|room|gate|flight|route|"
    r"highway|season|episode|model|windows|python|"
    r"kapitel|abschnitt|absatz|abs\.|seite|s\.|artikel|ziffer|"
    r"chapitre|paragraphe|alinéa|"
    r"capitolo|articolo|sezione|pagina|comma|"
    r"capítulo|artículo|sección|página|apartado)\s*$",
    re.IGNORECASE,
)

# ------------------------------------------------------------------ languages
# A few of the most frequent words of each language, to tell the decimal
# mark when a text's numbers do not: English writes a decimal point, German,
# French, Italian and Spanish a decimal comma.
FUNCTION_WORDS = {
    "point": frozenset("the and of to is was were with that for are has have this from".split()),
    "comma": frozenset(
        """der die das und ist nicht mit für von den dem ein eine im auf sich
        le les et est des du une pour dans pas qui au sur
        il che è per della delle non sono nel alla gli
        el los las que es por para con una del al""".split()
    ),
}
