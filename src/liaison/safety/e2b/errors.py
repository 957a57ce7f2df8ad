"""The one error of the E2B package: a file that cannot be read, with its place and reason."""

from __future__ import annotations

from liaison.core.errors import LiaisonError


class E2BError(LiaisonError):
    """An E2B(R3) file (ICSR batch or acknowledgement) that cannot be read.

    ``file`` names the file, ``line`` the line of the element at fault when
    known, ``element`` the E2B data element (``"E.i.2.1b"``), which the message
    ends with in brackets::

        FAERS.xml, line 123: the reaction's MedDRA code "1234" is not 8 digits (E.i.2.1b)
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        place = file if line is None else f"{file}, line {line}"
        message = f"{place}: {reason}" + (f" ({element})" if element else "")
        super().__init__(message, field=element)
        self.reason = reason
        self.file = file
        self.line = line
        self.element = element
