import pytest

from liaison.core.errors import LiaisonError
from liaison.directory.identifiers import (
    is_valid_npi,
    is_valid_orcid,
    normalize_npi,
    normalize_orcid,
)


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_valid_npi_passes_luhn_with_80840_prefix(npi: str) -> None:
    assert is_valid_npi(npi)


@pytest.mark.parametrize(
    "npi", ["1234567890", "1245319598", "123456789", "12345678931", "3234567893", "12345a7893"]
)
def test_invalid_npi_is_rejected(npi: str) -> None:
    assert not is_valid_npi(npi)


def test_npi_error_names_the_rule() -> None:
    with pytest.raises(LiaisonError, match="check digit"):
        normalize_npi("1234567890")
    with pytest.raises(LiaisonError, match="not 10 digits"):
        normalize_npi("12345")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("http://orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X"),
        ("000000021694233x", "0000-0002-1694-233X"),
    ],
)
def test_orcid_forms_normalise(raw: str, expected: str) -> None:
    assert normalize_orcid(raw) == expected


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0098", "0000-0002-1694-2339", "0000-0002-1825", "abcd-0002-1825-0097"]
)
def test_invalid_orcid_is_rejected(orcid: str) -> None:
    assert not is_valid_orcid(orcid)
