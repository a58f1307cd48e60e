import pytest
from django.core.exceptions import ValidationError

from cases.pupils.identifiers import upn_is_temporary, upn_validator
from tests.factories import make_upn


@pytest.mark.parametrize(
    "upn",
    [
        "B801200005001",  # python-stdnum's worked example
        "P207000016049",  # Arbor's example, with its check letter put right
        make_upn("929", 17),
        make_upn("929", 17, temporary=True),
        " b801200005001 ",  # spaces and lower case are tidied
    ],
)
def test_valid_upns_pass(upn):
    upn_validator(upn)


@pytest.mark.parametrize(
    ("upn", "code"),
    [
        ("Q207000016049", "upn_check_letter"),  # Arbor's published example: wrong letter
        ("A801200005001", "upn_check_letter"),
        ("E000200005001", "upn_la_code"),  # 000 is no LA
        ("B999200005001", "upn_la_code"),
        ("B80120000500", "upn_length"),
        ("B8012000050011", "upn_length"),
        ("B80120A005001", "upn_format"),
        ("", "upn_length"),
    ],
)
def test_invalid_upns_fail_with_a_plain_reason(upn, code):
    with pytest.raises(ValidationError) as error:
        upn_validator(upn)
    assert error.value.code == code


def test_temporary_upns_end_in_a_letter():
    assert upn_is_temporary(make_upn("929", 3, temporary=True))
    assert not upn_is_temporary(make_upn("929", 3))
