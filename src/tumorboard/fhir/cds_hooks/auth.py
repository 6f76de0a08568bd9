"""Client authentication per CDS Hooks 2.0: a JWT signed by the EHR (ES384 or RS384), ``aud`` = the called URL.

Checks, in order: the header's ``alg`` (ES384/RS384 only: ``none`` and every HMAC or other algorithm are refused),
the ``iss`` allow-list, ``jku`` (only a URL allow-listed for that issuer is ever fetched), the signature with the
issuer's key (by ``kid``), ``aud``, ``exp``/``iat`` and the required claims, then the ``jti`` replay cache (kept
until the token expires). The token itself is never logged or stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import jwt

from tumorboard.fhir.cds_hooks.config import CdsConfig, Issuer

ALGORITHMS = ("ES384", "RS384")
LEEWAY_S = 30
MAX_LIFETIME_S = 3600


class AuthError(Exception):
    """Why a token was refused (safe to return to the client: it names no secret)."""


class ReplayCache:
    """``jti`` values seen per issuer, each kept until its token expires. In-process; share it (e.g. Redis) when
    several instances run."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def check_and_add(self, iss: str, jti: str, exp: float) -> bool:
        """True the first time; False if this (iss, jti) was already used and has not expired."""
        now = self._clock()
        with self._lock:
            if len(self._seen) > 10000:
                self._seen = {k: v for k, v in self._seen.items() if v + LEEWAY_S > now}
            key = (iss, jti)
            if key in self._seen and self._seen[key] + LEEWAY_S > now:
                return False
            self._seen[key] = exp
            return True


class JwksCache:
    """JWK sets fetched from allow-listed ``jku`` URLs, cached for ``ttl`` seconds."""

    def __init__(self, fetch: Callable[[str], dict[str, Any]] | None = None, ttl: float = 300.0) -> None:
        self._fetch = fetch or _http_get_json
        self._ttl = ttl
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, url: str) -> dict[str, Any]:
        hit = self._cache.get(url)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        data = self._fetch(url)
        self._cache[url] = (time.monotonic() + self._ttl, data)
        return data


def _http_get_json(url: str) -> dict[str, Any]:
    import httpx

    response = httpx.get(url, timeout=3.0, follow_redirects=False)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


class Verifier:
    def __init__(self, config: CdsConfig, replay: ReplayCache | None = None, jwks: JwksCache | None = None) -> None:
        self.config = config
        self.replay = replay or ReplayCache()
        self.jwks = jwks or JwksCache()

    def verify(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """The token's claims, or AuthError saying why it is refused."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthError("missing bearer token")
        token = authorization[7:].strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise AuthError(f"algorithm {alg!r} is not allowed (use ES384 or RS384)")
        iss = unverified.get("iss")
        issuer = self.config.issuers.get(str(iss)) if isinstance(iss, str) else None
        if issuer is None:
            raise AuthError("unknown issuer")
        key = self._key(issuer, header, "EC" if alg == "ES384" else "RSA")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience=audience, issuer=issuer.iss, leeway=LEEWAY_S,
                options={"require": ["exp", "iat", "jti", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError("audience does not match the called URL") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"missing claim {exc.claim}") from None
        except jwt.ImmatureSignatureError:
            raise AuthError("token issued in the future") from None
        except (jwt.PyJWTError, TypeError, ValueError) as exc:
            raise AuthError(f"invalid token ({type(exc).__name__})") from None
        if float(claims["exp"]) - float(claims["iat"]) > MAX_LIFETIME_S:
            raise AuthError("token lifetime longer than one hour")
        if not self.replay.check_and_add(issuer.iss, str(claims["jti"]), float(claims["exp"])):
            raise AuthError("replayed jti")
        return claims

    def _key(self, issuer: Issuer, header: dict[str, Any], key_type: str) -> Any:
        jku = header.get("jku")
        if jku is not None:
            if jku not in issuer.jku:
                raise AuthError("jku is not allow-listed for this issuer")
            try:
                jwks = self.jwks.get(str(jku))
            except Exception:
                raise AuthError("the issuer's JWK Set could not be fetched") from None
        elif issuer.jwks is not None:
            jwks = issuer.jwks
        else:
            raise AuthError("no JWK Set configured for this issuer")
        try:
            keys = jwt.PyJWKSet.from_dict(jwks).keys
        except jwt.PyJWTError:
            raise AuthError("the issuer's JWK Set is invalid") from None
        kid = header.get("kid")
        candidates = [k for k in keys if kid is None or k.key_id == kid]
        if kid is None and len(candidates) != 1:
            raise AuthError("kid missing and the issuer has several keys")
        if not candidates:
            raise AuthError("unknown kid")
        if candidates[0].key_type != key_type:
            raise AuthError("invalid token (key type does not match the algorithm)")
        return candidates[0].key
