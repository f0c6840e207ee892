"""The client views as one table: client, what it would dial, TLS, verdict."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ...facts import Facts

# the findings whose screen shows the table
CLIENT_FINDINGS = frozenset({"client-tls-env-semantics", "testcontainers-host-override",
                             "python-strict-x509-dind-ca", "testcontainers-api-too-old",
                             "buildx-tls-context"})
VERDICT_STYLE = {"ok": "green", "fails": "red", "unknown": "dim"}


def client_views_table(facts: Facts | None) -> Table | None:
    """One row per client the job uses, the docker CLI first; None without client facts."""
    if facts is None or facts.clients is None:
        return None
    from ...checks.base import Context
    from ...clients.views import cli_works, views

    endpoint = Context(facts).endpoint
    rows = views(facts, endpoint)
    if not rows:
        return None
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True, title="Client views",
                  title_justify="left", title_style="bold")
    for name, kw in (("client", {"no_wrap": True}), ("would dial", {"overflow": "fold"}),
                     ("TLS", {"overflow": "fold"}), ("verdict", {"no_wrap": True})):
        table.add_column(name, **kw)
    works = cli_works(facts)
    cli_verdict = "ok" if works else "fails" if works is False else "unknown"
    table.add_row("docker CLI", endpoint.url, "on" if endpoint.tls else "off",
                  Text(cli_verdict, style=VERDICT_STYLE[cli_verdict]))
    for view in rows:
        table.add_row(Text(view.title), Text(view.transport.dial),
                      Text(view.transport.tls_label),
                      Text(view.verdict, style=VERDICT_STYLE.get(view.verdict, "")))
    return table
