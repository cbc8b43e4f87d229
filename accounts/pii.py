"""Personal identifiers: fingerprints for duplicate detection, encryption at rest, masking.

A national ID number is stored three ways: an HMAC fingerprint (unique, so duplicates are found
without reading anyone's number), a Fernet ciphertext (readable only through `reveal_id_number`,
which callers audit), and a masked form for everyday display.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache
from typing import overload

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@cache
def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(("shuzhi-pii-enc:" + key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def fingerprint(value: str) -> str:
    key = ("shuzhi-pii-fp:" + settings.PII_KEY).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    return _fernet(settings.PII_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.PII_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:6] + "*" * 8 + value[-4:] if len(value) == 18 else "*" * len(value)


def mask_mobile(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)


@overload
def escape_cell(value: str) -> str: ...
@overload
def escape_cell(value: object) -> object: ...
def escape_cell(value: object) -> object:
    """Neutralize spreadsheet formulas: a text cell starting with = + - @ tab or CR gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
