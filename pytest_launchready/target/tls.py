"""TLS facts about an https target: its certificate, whether it verifies, the protocol versions.

Each function makes one short, time-bounded handshake with the standard ``ssl`` module; the
certificate is decoded with ``cryptography`` (already required by PyJWT[crypto]). Which CAs are
trusted comes from ``launchready_ca_bundle`` (a PEM file) or the system store.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import ssl
import warnings
from dataclasses import dataclass

#: Protocol versions older than this are broken or deprecated (RFC 8996).
MINIMUM_VERSION = "TLSv1.2"
_VERSION_ORDER = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


def ca_bundle_path(ca_bundle: str, rootpath: str) -> str:
    """``launchready_ca_bundle`` resolved against the rootdir."""
    return ca_bundle if os.path.isabs(ca_bundle) else os.path.join(rootpath, ca_bundle)


def trust_context(ca_bundle: str = "", rootpath: str = ".") -> ssl.SSLContext:
    """A verifying client context: the system store, or only the CAs in ``ca_bundle`` when set."""
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle_path(ca_bundle, rootpath))
    return ssl.create_default_context()


def client_verify(ca_bundle: str, rootpath: str) -> ssl.SSLContext | bool:
    """What httpx's ``verify=`` should get: the bundle's context when set, else True (system store)."""
    return trust_context(ca_bundle, rootpath) if ca_bundle else True


@dataclass(frozen=True)
class Certificate:
    """The leaf certificate a server presented (whether or not it verifies)."""

    subject: str
    issuer: str
    names: tuple[str, ...]
    not_before: dt.datetime
    not_after: dt.datetime

    def days_left(self, now: dt.datetime | None = None) -> float:
        """Days until it expires (negative once expired)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        return (self.not_after - now).total_seconds() / 86400

    def describe(self) -> str:
        """One line: subject, names, issuer and validity."""
        return (f"subject {self.subject}; names {', '.join(self.names) or '(none)'}; issuer {self.issuer}; "
                f"valid {self.not_before:%Y-%m-%d} to {self.not_after:%Y-%m-%d %H:%M} UTC")


def _connect(host: str, port: int, context: ssl.SSLContext, timeout: float) -> ssl.SSLSocket:
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        return context.wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise


def _unverified(minimum: ssl.TLSVersion | None = None, maximum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1/TLSv1_1 names are deprecated, on purpose here
        if minimum is not None:
            context.minimum_version = minimum
        if maximum is not None:
            context.maximum_version = maximum
    return context


def fetch_certificate(host: str, port: int, timeout: float) -> Certificate:
    """The server's leaf certificate, read without verifying it (so a bad one can still be described)."""
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID

    with _connect(host, port, _unverified(), timeout) as tls:
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server presented no certificate")
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        names = tuple(str(n.value) for n in san)  # type: ignore[attr-defined]
    except x509.ExtensionNotFound:
        names = ()
    return Certificate(
        subject=cert.subject.rfc4514_string() or "(empty)",
        issuer=cert.issuer.rfc4514_string() or "(empty)",
        names=names,
        not_before=_utc(cert, "not_valid_before"),
        not_after=_utc(cert, "not_valid_after"),
    )


def _utc(cert: object, name: str) -> dt.datetime:
    value = getattr(cert, f"{name}_utc", None)  # cryptography >= 42
    if value is None:
        value = getattr(cert, name).replace(tzinfo=dt.timezone.utc)
    return value  # type: ignore[no-any-return]


def verification_error(host: str, port: int, timeout: float, context: ssl.SSLContext) -> str | None:
    """None when the chain and host name verify with ``context``, else the reason (expired, wrong host...)."""
    try:
        with _connect(host, port, context, timeout):
            return None
    except ssl.SSLCertVerificationError as exc:
        return str(exc.verify_message or exc.reason or exc)
    except ssl.CertificateError as exc:
        return str(exc)


def negotiated_version(host: str, port: int, timeout: float) -> str:
    """The protocol version the server picks when the client offers everything it supports."""
    with _connect(host, port, _unverified(minimum=ssl.TLSVersion.MINIMUM_SUPPORTED), timeout) as tls:
        return tls.version() or "unknown"


def accepts_legacy(host: str, port: int, timeout: float) -> str | None:
    """The legacy version (TLS 1.1 or older) the server accepts, "" when it refuses them all, or None
    when this machine's OpenSSL cannot offer them (the probe could not be made)."""
    context = _unverified(minimum=ssl.TLSVersion.MINIMUM_SUPPORTED, maximum=ssl.TLSVersion.TLSv1_1)
    try:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses to offer TLS < 1.2 above level 0
    except ssl.SSLError:
        return None
    try:
        with _connect(host, port, context, timeout) as tls:
            return tls.version() or "unknown"
    except ssl.SSLError as exc:
        text = str(exc).lower()
        if "no protocols available" in text or "no ciphers available" in text:
            return None
        return ""
    except (ConnectionError, socket.timeout):
        return ""


def older_than_minimum(version: str) -> bool:
    """True for SSLv3, TLS 1.0 and 1.1."""
    if version not in _VERSION_ORDER:
        return False
    return _VERSION_ORDER.index(version) < _VERSION_ORDER.index(MINIMUM_VERSION)
