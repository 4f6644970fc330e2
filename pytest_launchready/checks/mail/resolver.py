"""DNS for the mail check: one dnspython resolver, pointed at ``launchready_nameservers``, bounded in time.

Every lookup the mail check makes goes through :class:`MailResolver`: our own queries, checkdmarc's
(it accepts a caller-built ``dns.resolver.Resolver`` and uses it as-is, so a non-53 port works), and
dkimpy's (through :meth:`MailResolver.dkim_dnsfunc`). Each query waits at most ``timeout`` seconds
per nameserver, and all queries of one inspection share a ``budget``, so a long SPF include chain
against a dead server cannot hang the run.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from typing import Any

import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver

from pytest_launchready.checks.mail.report import Lookup

DEFAULT_TIMEOUT = 2.0


class _BudgetResolver(dns.resolver.Resolver):
    """A resolver whose queries all end before a shared deadline."""

    deadline: float = float("inf")

    def resolve(self, qname: Any, rdtype: Any = dns.rdatatype.A, *args: Any, **kwargs: Any) -> dns.resolver.Answer:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise dns.resolver.LifetimeTimeout(timeout=0.0, errors=[])
        kwargs["lifetime"] = min(kwargs.get("lifetime") or self.lifetime, remaining)
        return super().resolve(qname, rdtype, *args, **kwargs)


class MailResolver:
    """Answers the mail check's DNS questions through the configured nameservers.

    ``nameservers`` are ``(host, port)`` pairs (empty: the system resolver); ``timeout`` bounds one
    query to one server, ``budget`` all queries made through this object.
    """

    def __init__(self, nameservers: tuple[tuple[str, int], ...] = (), timeout: float = DEFAULT_TIMEOUT, budget: float = 10.0) -> None:
        self.nameservers = nameservers
        self.timeout = timeout
        #: Why the system resolver could not be set up (no /etc/resolv.conf), reported by every query.
        self.setup_error = ""
        try:
            resolver = _BudgetResolver(configure=not nameservers)
        except dns.resolver.NoResolverConfiguration as error:
            resolver = _BudgetResolver(configure=False)
            self.setup_error = f"no system resolver configured ({error}); set launchready_nameservers"
        if nameservers:
            resolver.nameservers = [dns.nameserver.Do53Nameserver(_address(host), port) for host, port in nameservers]
        resolver.timeout = timeout
        resolver.lifetime = timeout * max(1, len(resolver.nameservers))
        resolver.deadline = time.monotonic() + budget
        #: The dnspython resolver itself, for libraries that take one (checkdmarc).
        self.resolver: dns.resolver.Resolver = resolver

    @property
    def description(self) -> str:
        """Which servers answered: ``127.0.0.1:5353`` or ``the system resolver``."""
        if not self.nameservers:
            return "the system resolver"
        return ", ".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in self.nameservers)

    def query(self, name: str, rtype: str) -> Lookup:
        """Ask for ``rtype`` records at ``name``; never raises for DNS trouble (see :class:`Lookup`)."""
        name = name.rstrip(".").lower()
        if self.setup_error:
            return Lookup(name, rtype, "ERROR", error=self.setup_error)
        try:
            answer = self.resolver.resolve(name, rtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return Lookup(name, rtype, "NXDOMAIN")
        except dns.exception.Timeout:
            return Lookup(name, rtype, "ERROR", error=f"no answer from {self.description} within {self.timeout:g}s")
        except dns.resolver.NoNameservers:
            return Lookup(name, rtype, "ERROR", error=f"{self.description} answered with a server failure (SERVFAIL or REFUSED)")
        except dns.exception.DNSException as error:
            return Lookup(name, rtype, "ERROR", error=f"{type(error).__name__}: {error}")
        if answer.rrset is None:
            return Lookup(name, rtype, "NODATA")
        return Lookup(name, rtype, "NOERROR", tuple(_text(rdata) for rdata in answer.rrset))

    def txt(self, name: str) -> Lookup:
        """The TXT records at ``name``, each record's strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2)."""
        return self.query(name, "TXT")

    def dkim_dnsfunc(self, name: bytes | str, timeout: float = DEFAULT_TIMEOUT) -> bytes | None:
        """dkimpy's ``dnsfunc``: the first TXT record at ``name`` as bytes, None when there is none."""
        import dkim

        text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        lookup = self.txt(text)
        if lookup.failed:
            raise dkim.DnsTimeoutError(lookup.error)
        return lookup.answers[0].encode() if lookup.answers else None


def _address(host: str) -> str:
    """An IP address for ``host`` (dnspython needs one); a name is resolved once by the system."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return str(socket.getaddrinfo(host, 53, proto=socket.IPPROTO_UDP)[0][4][0])


def _text(rdata: Any) -> str:
    if rdata.rdtype == dns.rdatatype.TXT:
        return b"".join(rdata.strings).decode("utf-8", "replace")
    if rdata.rdtype == dns.rdatatype.MX:
        return f"{rdata.preference} {rdata.exchange.to_text().rstrip('.') or '.'}"
    return str(rdata.to_text()).rstrip(".")


def organizational_domain(domain: str) -> str:
    """The registrable domain (public suffix + one label) that DMARC alignment and inheritance use."""
    from checkdmarc.utils import get_base_domain

    return str(get_base_domain(domain.rstrip(".").lower()))
