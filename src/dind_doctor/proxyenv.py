"""Which proxy the docker CLI uses for the daemon: Go's ``http.ProxyFromEnvironment``.

The CLI (and every Go client) reads ``HTTPS_PROXY`` for TLS and ``HTTP_PROXY`` for plain
connections (upper case first, an empty value counts as unset), and skips the proxy when
``NO_PROXY`` (else ``no_proxy``) exempts the host, with the rules of
``golang.org/x/net/http/httpproxy``:

- ``localhost`` and loopback IPs never use a proxy;
- ``*`` exempts everything; entries are trimmed and compared case-insensitively;
- ``10.0.0.0/8`` (CIDR) and ``1.2.3.4`` / ``[::1]:2376`` (IP, optional port) match IPs only;
- ``docker`` matches ``docker`` and ``*.docker``; ``.docker`` and ``*.docker`` match
  subdomains only; ``name:port`` matches only that port.

Pure: used by the live check (the job's environment) and the static ``.gitlab-ci.yml`` check
(a job's variables).
"""

from __future__ import annotations

from collections.abc import Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from ipaddress import IPv4Address, IPv6Address

    IPAddress = IPv4Address | IPv6Address


def env_any(env: Mapping[str, str], *names: str) -> tuple[str, str]:
    """(name, value) of the first variable with a non-empty value, as Go's getEnvAny."""
    for name in names:
        if env.get(name):
            return name, env[name]
    return "", ""


def proxy_for(env: Mapping[str, str], tls: bool) -> tuple[str, str]:
    """(variable, proxy URL) a Go client uses for a ``tls`` or plain daemon connection."""
    return env_any(env, *(("HTTPS_PROXY", "https_proxy") if tls else ("HTTP_PROXY", "http_proxy")))


def no_proxy_of(env: Mapping[str, str]) -> tuple[str, str]:
    """(variable, value) of the NO_PROXY list a Go client reads."""
    return env_any(env, "NO_PROXY", "no_proxy")


def _ip(text: str) -> IPAddress | None:
    import ipaddress  # only when a proxy list is read

    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _split_host_port(entry: str) -> tuple[str, str] | None:
    """Go's net.SplitHostPort: ``host:port`` or ``[v6]:port``; None when there is no port."""
    if entry.startswith("["):
        end = entry.find("]")
        if end > 0 and entry[end + 1:end + 2] == ":":
            return entry[1:end], entry[end + 2:]
        return None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, port
    return None


def _entry_matches(entry: str, host: str, port: str, address: IPAddress | None) -> bool:
    import ipaddress

    try:
        network = ipaddress.ip_network(entry, strict=False) if "/" in entry else None
    except ValueError:
        network = None
    if network is not None:
        return address is not None and address in network
    split = _split_host_port(entry)
    name, entry_port = split if split is not None else (entry, "")
    if not name:
        return False  # ":2375": malformed, Go ignores it
    entry_ip = _ip(name.strip("[]"))
    if entry_ip is not None:
        return address == entry_ip and entry_port in ("", port)
    if name.startswith("*."):
        name = name[1:]
    exact = not name.startswith(".")
    suffix = name if not exact else "." + name
    hit = host.endswith(suffix) or (exact and host == suffix[1:])
    return hit and entry_port in ("", port)


def bypasses_proxy(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether NO_PROXY (the value) exempts ``host:port`` from the proxy, as Go decides."""
    host = host.strip().lower().strip("[]")
    address = _ip(host)
    if host == "localhost" or (address is not None and address.is_loopback):
        return True
    entries = [e.strip().lower() for e in no_proxy.split(",")]
    if "*" in entries:
        return True
    return any(_entry_matches(e, host, "" if port is None else str(port), address)
               for e in entries if e)


def daemon_proxy(env: Mapping[str, str], host: str, port: int | None,
                 tls: bool) -> tuple[str, str]:
    """(variable, proxy URL) the CLI sends its daemon requests to; ("", "") when none."""
    name, proxy = proxy_for(env, tls)
    if not proxy or bypasses_proxy(host, port, no_proxy_of(env)[1]):
        return "", ""
    return name, proxy


def with_entry(no_proxy: str, entry: str) -> str:
    """``no_proxy`` with ``entry`` first, empty items (stray commas) dropped."""
    items = [e.strip() for e in no_proxy.split(",") if e.strip()]
    return ",".join([entry, *[e for e in items if e.lower() != entry.lower()]])
