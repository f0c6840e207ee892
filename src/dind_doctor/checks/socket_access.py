"""Whether the job's user may open the Docker socket it uses (shell executor, socket binding)."""

from __future__ import annotations

from ..facts import HostFacts, SocketOwnerFact
from ..model import Link
from .base import Context, Verdict, check, fail, ok, warn
from .job import executor_guess


def may_open(owner: SocketOwnerFact, host: HostFacts) -> tuple[bool, str]:
    """Whether ``connect()`` is allowed by the mode bits (write permission), and which class
    of the mode decides: root, owner, group or others."""
    mode = int(owner.mode or "0", 8)
    if host.uid == 0:
        return True, "root"
    if host.uid == owner.uid:
        return bool(mode & 0o200), "owner"
    if owner.gid == host.gid or owner.gid in host.groups:
        return bool(mode & 0o020), "group"
    return bool(mode & 0o002), "others"


def _group_text(owner: SocketOwnerFact) -> str:
    return f"{owner.group or 'gid'} ({owner.gid})" if owner.group else f"gid {owner.gid}"


@check("shell-executor-specifics", Link.JOB, "Docker socket access", needs=("job-environment",))
def shell_executor_specifics(ctx: Context) -> Verdict | None:
    endpoint, host = ctx.endpoint, ctx.facts.host
    if endpoint.scheme != "unix" or host is None or host.uid is None:
        return None
    owner = next((o for o in host.socket_owners if o.path == endpoint.socket_path), None)
    if owner is None:
        return None  # no socket: docker-host-unset-unix-socket says what that means
    executor, _ = executor_guess(ctx)
    allowed, by = may_open(owner, host)
    socket = ctx.facts.socket(owner.path)
    ping = socket.ping if socket is not None else "not-probed"
    who = f"{host.user or 'uid'} (uid {host.uid})" if host.user else f"uid {host.uid}"
    evidence: list[tuple[str, object]] = [
        ("socket", f"{owner.path}: mode {owner.mode}, owner uid {owner.uid}, group "
                   f"{_group_text(owner)}"),
        ("process", f"{who}, gid {host.gid}, groups {', '.join(map(str, host.groups)) or '-'}"),
        ("executor", executor),
        ("ping", ping),
    ]
    if allowed or ping == "ok":
        if executor != "shell":
            return None
        return ok(f"{who} may open {owner.path} (as {by}).", *evidence)
    listed = host.user is not None and host.user in owner.group_members
    if listed:
        summary = (f"{who} is listed in group {_group_text(owner)} in /etc/group, but this "
                   "process does not have that group: the user was added after gitlab-runner "
                   f"started, so {owner.path} (mode {owner.mode}) refuses it.")
        fix = "Restart the runner (sudo systemctl restart gitlab-runner) so jobs get the group."
    else:
        summary = (f"{who} is not in group {_group_text(owner)}, which owns {owner.path} "
                   f"(mode {owner.mode}): docker commands fail with \"permission denied\".")
        fix = (f"sudo usermod -aG {owner.group or owner.gid} {host.user or '<runner user>'} and "
               "restart gitlab-runner (membership is root-equivalent on that host); or run "
               "docker jobs on a docker executor runner with a dind service.")
    if executor == "shell":
        summary = "Shell executor: " + summary
    if ping == "permission-denied":
        return fail(summary, *evidence, fix=fix)
    return warn(summary, *evidence, fix=fix)
