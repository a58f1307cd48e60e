"""Unique pupil numbers (domain.md section 5), checked with python-stdnum's gb.upn.

13 characters: a check letter, the 3-digit DfE LA code, 4-digit establishment, 2-digit year and a
3-character serial (a temporary UPN ends in a letter). python-stdnum checks the form and the check
letter; the LA code is checked against the DfE register's list the project keeps current
(organisations.la_codes), not the library's frozen table, which misses the authorities made since
2019.
"""

from django.core.exceptions import ValidationError
from stdnum import exceptions
from stdnum.gb import upn as stdnum_upn

from organisations.la_codes import is_la_code


def upn_normalise(value: str) -> str:
    return stdnum_upn.compact(value or "")


def upn_validator(value: str) -> None:
    number = upn_normalise(value)
    try:
        _validate(number)
    except exceptions.InvalidLength:
        raise ValidationError(
            "Enter a UPN of 13 characters, like A123456789012", code="upn_length"
        ) from None
    except exceptions.InvalidFormat:
        raise ValidationError(
            "A UPN is a letter, 11 digits, then a digit or (for a temporary UPN) a letter",
            code="upn_format",
        ) from None
    except exceptions.InvalidComponent:
        raise ValidationError(
            f"The UPN's local authority code {number[1:4]} is not a DfE local authority code",
            code="upn_la_code",
        ) from None
    except exceptions.InvalidChecksum:
        raise ValidationError(
            "The UPN's check letter does not match its digits: "
            "check it against the school's records",
            code="upn_check_letter",
        ) from None


# The letters a UPN uses (no I, O or S) and its digits: the last character is one of them.
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"


def _validate(number: str) -> None:
    """python-stdnum's checks in its order, with the LA code looked up in the register's list."""
    if len(number) != 13:
        raise exceptions.InvalidLength()
    if not number[1:-1].isdigit() or number[-1] not in UPN_ALPHABET:
        raise exceptions.InvalidFormat()
    if not is_la_code(number[1:4]):
        raise exceptions.InvalidComponent()
    if stdnum_upn.calc_check_digit(number[1:]) != number[0]:
        raise exceptions.InvalidChecksum()


def upn_is_temporary(value: str) -> bool:
    return upn_normalise(value)[-1:].isalpha()


def upn_temporary(la_code: str, academic_year: int, taken) -> str:
    """A temporary UPN the LA gives a child who has none (new from abroad): its LA code, 0000 for
    "no establishment yet", the year of issue, a serial of two digits and a letter, and the check
    letter. `taken(upn)` says whether one is already used; the first free serial is given."""
    body = f"{la_code}0000{academic_year % 100:02d}"
    for letter in "ABCDEFGHJKLMNPQRTUVWXYZ":
        for serial in range(100):
            tail = f"{body}{serial:02d}{letter}"
            upn = stdnum_upn.calc_check_digit(tail) + tail
            if not taken(upn):
                return upn
    raise ValueError("Every temporary UPN of the year is used")
