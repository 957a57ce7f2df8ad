"""The registry's spellings as the directory writes them: credentials and name case."""

from __future__ import annotations

import re

_CREDENTIAL_SPLIT = re.compile(r"[,;/]+|\s+")
_CANONICAL_CREDENTIALS = {
    "MD": "MD",
    "DO": "DO",
    "PHD": "PhD",
    "PHARMD": "PharmD",
    "RN": "RN",
    "NP": "NP",
    "PA": "PA",
    "PAC": "PA-C",
    "DDS": "DDS",
    "DMD": "DMD",
    "MBBS": "MBBS",
    "MPH": "MPH",
    "MS": "MS",
    "MSC": "MSc",
    "MBA": "MBA",
    "FACP": "FACP",
    "FACC": "FACC",
    "CRNA": "CRNA",
    "APRN": "APRN",
    "FNP": "FNP",
    "DNP": "DNP",
    "DPM": "DPM",
    "OD": "OD",
    "RPH": "RPh",
}


def credentials_of(text: str | None) -> tuple[str, ...]:
    """``"M.D., PH.D."`` -> ``("MD", "PhD")``: dots dropped, common degrees spelt as usual."""
    if not text:
        return ()
    found: list[str] = []
    for part in _CREDENTIAL_SPLIT.split(text):
        key = part.replace(".", "").replace("-", "").strip().upper()
        if not key:
            continue
        credential = _CANONICAL_CREDENTIALS.get(key, part.replace(".", "").strip())
        if credential not in found:
            found.append(credential)
    return tuple(found)


_NAME_PART = re.compile(r"([A-Za-z\u00C0-\u024F]+)")


def name_case(text: str | None) -> str:
    """The registry's upper-case ``"O'BRIEN-SMITH"`` as ``"O'Brien-Smith"``; mixed case kept."""
    if not text:
        return ""
    if text != text.upper():
        return text
    return _NAME_PART.sub(lambda match: match.group(1).capitalize(), text.lower())
