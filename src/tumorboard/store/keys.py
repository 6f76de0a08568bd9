"""API keys: ``tb_<id>_<secret>``; only a salted SHA-256 of the whole key is stored.

The secret is 32 random bytes (256 bits), so a fast salted hash is enough (a slow KDF protects guessable passwords,
not random keys) and keeps per-request verification in microseconds. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "tb_"


def new_key() -> tuple[str, str]:
    """A new key's public id and the full key (shown once)."""
    key_id = secrets.token_hex(6)
    return key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"


def key_id_of(key: str) -> str | None:
    """The public id of a well-formed key, else None."""
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    parts = key[len(PREFIX):].split("_", 1)
    if len(parts) != 2 or len(parts[0]) != 12:
        return None
    return parts[0]


def hash_key(key: str, salt: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + key.encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def matches(key: str, salt: str, stored: str) -> bool:
    return hmac.compare_digest(hash_key(key, salt), stored)
