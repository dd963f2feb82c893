"""ISBNs, prices and territories of the book's editions (``[epub]`` and ``[print]``).

An edition's ISBN is checked and kept as the 13 digits of an ISBN-13: an
ISBN-10 is converted (prefix 978, new check digit), hyphens and spaces are
allowed in the input. The check digits are the ISBN agency's (ISBN Users'
Manual, 7th edition, sections 5 and 9: ISBN-13 weights 1 and 3 modulo 10,
ISBN-10 weights 10 to 1 modulo 11). Printed ISBNs are hyphenated by
python-stdnum, which carries the International ISBN Agency's range table
(updated with each release); an ISBN in a range the table does not know is
printed without hyphens rather than hyphenated wrongly.

A price is ``"USD 18.00"``: an ISO 4217 currency code and an amount. A
territory is ``"WORLD"`` or ISO 3166-1 alpha-2 country codes separated by
spaces, as ONIX 3.0 ``RegionsIncluded`` / ``CountriesIncluded`` take them.
``ean5_addon`` gives the price add-on printed beside a book's EAN-13 (the
Bookland EAN-5 convention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError

from octavo.model import Metadata
from octavo.strings import for_metadata

PRICE_RE = re.compile(r"([A-Z]{3}) ?(\d{1,7}(?:\.\d{1,2})?)")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
#: The first digit of the Bookland EAN-5 add-on by currency (5 US dollars, 6 Canadian dollars,
#: 0 pounds sterling); any other currency gets ``90000``, "no suggested retail price".
ADDON_CURRENCY = {"USD": "5", "CAD": "6", "GBP": "0"}
NO_PRICE_ADDON = "90000"


def _digits(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()


def isbn_valid(digits: str) -> bool:
    """Checksum of an ISBN-13 or ISBN-10 (hyphens and spaces already removed)."""
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def isbn_problem(text: str) -> str | None:
    """Why ``text`` is not an ISBN (length, characters, check digit, a 13-digit number that is not
    an ISBN-13 because it does not start 978 or 979), or None."""
    digits = _digits(text)
    if not re.fullmatch(r"\d{13}|\d{9}[\dX]", digits):
        return f"{text!r} is not an ISBN: 13 digits (or 10, the last may be X) with optional hyphens"
    if not isbn_valid(digits):
        return f"{text!r} is not a valid ISBN: its check digit is wrong"
    if len(digits) == 13 and not digits.startswith(("978", "979")):
        return f"{text!r} is not an ISBN: an ISBN-13 starts with 978 or 979"
    return None


def isbn13(text: str) -> str:
    """The 13 digits of a valid ISBN (``isbn_problem`` is None), an ISBN-10 converted.

    Raises ``ValueError`` for text that is not a valid ISBN.
    """
    if why := isbn_problem(text):
        raise ValueError(why)
    try:
        return str(stdnum_isbn.to_isbn13(_digits(text)))
    except ValidationError as exc:  # pragma: no cover - isbn_problem checked the same
        raise ValueError(str(exc)) from exc


def hyphenated(digits: str) -> str:
    """An ISBN-13 hyphenated by the ISBN agency's ranges (978-0-306-40615-7), or the 13 digits
    unhyphenated when the ranges python-stdnum carries do not cover it."""
    try:
        parts = stdnum_isbn.split(digits)
    except ValidationError:
        return digits
    return "-".join(parts) if len(parts) == 5 and all(parts) else digits


def urn(digits: str) -> str:
    """The ISBN as a URN (RFC 8254): ``urn:isbn:9780306406157``."""
    return f"urn:isbn:{digits}"


@dataclass(frozen=True)
class Price:
    """A price: ISO 4217 currency and amount."""

    currency: str
    amount: Decimal

    @property
    def text(self) -> str:
        """The amount as ONIX's ``PriceAmount`` writes it: ``18.00``."""
        return f"{self.amount:.2f}"


def price_problem(text: str) -> str | None:
    """Why ``text`` is not a price such as ``"USD 18.00"``, or None."""
    if not PRICE_RE.fullmatch(text.strip()):
        return f"{text!r} must be a currency code and an amount, such as 'USD 18.00'"
    return None


def parse_price(text: str) -> Price:
    """``"USD 18.00"`` -> Price("USD", 18.00). Raises ``ValueError`` if ``price_problem`` says why."""
    match = PRICE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(price_problem(text))
    return Price(match.group(1), Decimal(match.group(2)))


def territory_problem(text: str) -> str | None:
    """Why ``text`` is neither ``WORLD`` nor ISO 3166-1 alpha-2 codes separated by spaces, or None."""
    codes = text.split()
    if codes == ["WORLD"] or (codes and all(COUNTRY_RE.fullmatch(c) for c in codes)):
        return None
    return f"{text!r} must be WORLD or country codes separated by spaces, such as 'US CA'"


def ean5_addon(price: Price) -> str:
    """The 5-digit add-on printed beside a book's EAN-13 (the Bookland EAN-5 convention of the
    Book Industry Study Group, "Machine-Readable Coding Guidelines for the U.S. Book Industry"):
    a currency digit (5 US dollars, 6 Canadian dollars, 0 pounds sterling) and the price in
    cents as four digits; 99.99 or more is written ``x9999`` ("price over 99.98"); another
    currency gives ``90000`` ("no suggested retail price")."""
    digit = ADDON_CURRENCY.get(price.currency)
    if digit is None:
        return NO_PRICE_ADDON
    cents = int(price.amount * 100)
    return f"{digit}{min(cents, 9999):04d}"


def isbn_lines(meta: Metadata) -> tuple[str, ...]:
    """The copyright page's ISBNs, each hyphenated with its edition: ("ISBN 978-… (paperback)",
    "ISBN 978-… (EPUB)"); the work identifier's ISBN alone when no edition has one (ISBN Users'
    Manual: each format of a publication has its own ISBN, printed with the format named)."""
    words = for_metadata(meta)  # in the book's language: "ISBN 978-… (broché)"
    lines = tuple(
        words("isbn-edition", isbn=hyphenated(number), edition=words(form))
        for number, form in ((meta.print_isbn, "edition-paperback"), (meta.epub_isbn, "edition-epub"))
        if number
    )
    return lines or ((words("isbn", isbn=hyphenated(meta.isbn)),) if meta.isbn else ())
