"""What a figure is once read: a value, a unit, and where it was written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PERCENT, COUNT, YEAR = "percent", "count", "year"


def is_currency(unit: str) -> bool:
    """Money is measured in an ISO 4217 code ("USD", "EUR"); every other
    unit is a lower-case word."""
    return len(unit) == 3 and unit.isupper()


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal
    unit: str  # an ISO 4217 currency code ("USD", "EUR", …), "percent", "count" or "year"
    start: int  # code-point offsets in the text read
    end: int
    text: str

    @property
    def key(self) -> tuple[str, Decimal]:
        """What two figures must share to say the same thing."""
        return (self.unit, self.value)

    @property
    def kind(self) -> str:
        """"money", "percent", "count" or "year"."""
        return "money" if is_currency(self.unit) else self.unit

    def label(self) -> str:
        return f"{self.unit} {format_value(self.value)}"


def format_value(value: Decimal) -> str:
    """A value written plainly: 900000, 3.5 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
