"""Context rules: what the rest of the log says about the modes the lines pointed to.

Each rule is small, named, and leaves a reason the user sees next to the candidate.
"""

from __future__ import annotations

import re

from ..catalog import Catalog, Symptom
from .context import JobContext
from .logtext import LogLine, Origin, ParsedLog
from .matcher import Candidate, Hit
from .non_dind import RUNNER_HOST_MOUNT, RUNNER_HOST_SOCKET, RUNNER_LOST_HOST
from .situations import BRIDGE_MTU, KUBE_CLIENT, apply_situations

RULE_BONUS = 15.0
_LISTEN = re.compile(r"API listen on (?:\[::\]|0\.0\.0\.0|[\w.:\[\]-]+?):(?P<port>\d+)")
# modes that, on Kubernetes, are the pod wiring (failure-modes §9)
_CONNECTION_MODES = ("alias-unresolvable", "client-plain-http-to-tls-port",
                     "docker-host-unset-unix-socket")
# what a client sees when the daemon is gone: consequences, not causes
_CONSEQUENCES = ("alias-unresolvable", "daemon-tls-client-plain-2375", "daemon-not-ready-race",
                 "daemon-unreachable", "daemon-plain-client-expects-tls", "daemon-api",
                 "k8s-executor-wiring")
# what a shell-executor job sees when it copies a dind setup: no service, maybe no host daemon
_SHELL_CAUSES = ("docker-host-unset-unix-socket", "ff-network-per-build-effects",
                 "alias-unresolvable", "daemon-tls-client-plain-2375", "daemon-not-ready-race",
                 "daemon-plain-client-expects-tls")
# the job's variables, pasted with the log, turn dind's TLS off: the daemon serves plain 2375
_TLS_OFF = re.compile(r"DOCKER_TLS_CERTDIR(?:\s*:\s*|=)(?:\"\"|''|$)")
_TESTCONTAINERS = re.compile(r"testcontainers|ClientProviderStrategy", re.IGNORECASE)
# service-log lines of a live daemon (a client's plain HTTP on its TLS port among them)
_NOT_FATAL = ("daemon-not-ready-race", "daemon-warnings", "client-plain-http-to-tls-port")
# a line dockerd logged as a warning: the daemon went on starting (ip6tables it could not set
# up, a modprobe that failed), so it is no start-up failure on its own
_DAEMON_WARNING = re.compile(r"level=warn(?:ing)?\b|^\S*\s*WARN\[")
# the runner pulling the job's or a service's image: the Docker executor's line, the Kubernetes
# executor's wait for its pod and its prepare-stage failure
_RUNNER_PULL = re.compile(r"^Pulling docker image |^Waiting for pod \S+ to be running"
                          r"|prepare environment: waiting for pod running: pulling image ")
# the daemon answered: `docker info`/`docker version` server lines, a login the daemon accepted
_DAEMON_ANSWERED = re.compile(r"^\s*(?:Server Version: \S|Server: Docker Engine|Login Succeeded)")
# a daemon the client expects on its own localhost (a container of the same pod)
_LOCAL_DAEMON = re.compile(r"tcp://(?:localhost|127\.0\.0\.1):\d+", re.IGNORECASE)
# what a client prints when it could not reach a daemon (yet)
_UNREACHED = ("daemon-tls-client-plain-2375", "docker-host-unset-unix-socket",
              "alias-unresolvable", "daemon-unreachable", "k8s-executor-wiring")
_UNREACHED_LINE = re.compile(r"cannot connect|failed to connect|connection refused|no such host|"
                             r"is the docker daemon running|econnrefused|enotfound|"
                             r"try again|temporary failure", re.IGNORECASE)
# the script (re)starts the daemon itself: `service docker restart`, `dockerd &`, an installer's
# "Restarting docker engine"
_DAEMON_STARTED = re.compile(
    r"\b(?:systemctl|rc-service)\s+(?:re)?start\s+docker(?:d|\.service)?\b"
    r"|\bservice\s+docker\s+(?:re)?start\b|/etc/init\.d/docker\s+(?:re)?start\b"
    r"|\b(?:re)?starting (?:the )?docker (?:engine|daemon|service)\b"
    r"|^\s*(?:\$\s+)?(?:sudo\s+)?(?:nohup\s+)?dockerd(?:-entrypoint\.sh)?\b[^|;]*&\s*$",
    re.IGNORECASE)
_STARTED_WITHIN = 4  # job lines between the (re)start and the first failed connection
# the script lists the client certificate directory (`ls -la $DOCKER_CERT_PATH`, `ls /certs`)
_LIST_CERTS = re.compile(r"^(?:sudo\s+)?ls\b.*(?:certs|DOCKER_TLS_CERTDIR|DOCKER_CERT_PATH)")
_CERT_FILE = re.compile(r"(?:^|\s)(?P<name>ca|cert|key)\.pem\b")
# a client that cannot load its certificate files: a cause; connection errors after it follow
_CERT_FILES = ("certs-client-not-shared", "client-tls-env-semantics", "tls-cert-files-invalid")
_AFTER_CERT_FILES = ("k8s-executor-wiring", "daemon-tls-client-plain-2375", "daemon-unreachable",
                     "daemon-plain-client-expects-tls")
# modes about the inner daemon's pulls: a refusal while the runner pulls the job's images is the
# runner's own credentials, not DinD's
_INNER_PULL_MODES = ("registry-auth-not-inherited",)
# the runner's own pull of the job's, a service's or its helper's image failed (the Docker
# executor's pull manager), or anything else of its preparation or system failure: the runner
# host's daemon, its proxy, DNS and trust, not dind's
_RUNNER_PULL_ERROR = re.compile(r"failed to pull image \"[^\"]+\" with specified polic(?:y|ies) "
                                r"|^WARNING: Failed to pull image with policy \""
                                r"|Preparation failed: |Job failed \(system failure\): ",
                                re.IGNORECASE)
_INNER_DAEMON_NETWORK_MODES = ("proxy-not-propagated", "nested-dns", "mtu-mismatch",
                               "inner-daemon-registry-trust", "registry-auth-not-inherited")
# the job script's own `docker login` (also the one `aws ecr get-login` prints and the shell
# runs): the same client then pulls and pushes with those credentials. A login done by another
# step or action (a GitHub login action) shows no such command line.
_OWN_LOGIN = re.compile(r"^\$ .*\b(?:docker\s+login|aws\s+ecr\s+get-login)\b")
# the daemon served the job: it answered, built or pushed an image
_DAEMON_SERVED = re.compile(
    r"^\s*(?:Server Version: \S|Server: Docker Engine|Login Succeeded)"
    r"|^Successfully (?:built [0-9a-f]{12}|tagged \S)|^#\d+ (?:writing image|naming to) "
    r"|: digest: sha256:[0-9a-f]+ size: \d+")


# dockerd's warning on a TCP listener without TLS names the address it binds
# ("Binding to IP address ... is insecure" and, dockerd 20.10+ on a non-loopback address, "Binding
# to an IP address ... is deprecated. Startup is intentionally being slowed down")
_BIND_PLAIN = re.compile(r"Binding to (?:an )?IP address without --tlsverify is "
                         r"(?:insecure|deprecated).*"
                         r"host=\\?\"?tcp://[\w.:\[\]-]+?:(?P<port>\d+)\b")
# a line of dockerd's own log, pasted among the job's lines
_DAEMON_LOG = re.compile(r"level=\w+ msg=")


def listen_ports(lines: list[LogLine]) -> set[int]:
    """TCP ports the service's dockerd said it listens on (``API listen on [::]:2376``, or
    the plain-TCP warning naming ``tcp://0.0.0.0:2375``), in the service's log or in dockerd
    log lines pasted with the job's."""
    return {int(m.group("port")) for line in lines
            if line.origin is Origin.SERVICE or _DAEMON_LOG.search(line.text)
            for pattern in (_LISTEN, _BIND_PLAIN) for m in [pattern.search(line.text)] if m}


def apply_rules(candidates: dict[str, Candidate], parsed: ParsedLog, ctx: JobContext,
                catalog: Catalog) -> None:
    """Adjust ``candidates`` in place (bonus, fix node, reasons)."""
    apply_situations(candidates, parsed, catalog)
    ports = listen_ports(parsed.lines)
    _tls_listener(candidates, ports)
    _plain_listener(candidates, ports)
    _tls_disabled(candidates, parsed, ports)
    _certs_race(candidates, ctx)
    _answered_later(candidates, parsed, catalog)
    _started_just_before(candidates, parsed, catalog)
    _cert_files_first(candidates, ctx, catalog)
    _client_certs_incomplete(candidates, parsed, catalog)
    _kubernetes(candidates, ctx, catalog)
    _shell(candidates, ctx, catalog)
    _host_socket_with_dind(candidates, parsed, catalog)
    _actions_runner_socket(candidates, parsed, catalog)
    _floating_daemon_image(candidates, parsed, catalog)
    _overlay_refused_while_privileged(candidates, parsed, catalog)
    _overlay_probe_then_vfs(candidates, catalog)
    _dind_wrapper_sed(candidates, parsed)
    _host_kernel_without_nft(candidates, parsed, catalog)
    _plugin_daemon_silent(candidates, parsed, catalog)
    _testcontainers_api(candidates, parsed, catalog)
    _pinned_api_elsewhere(candidates, parsed)
    _testcontainers_cause(candidates)
    _service_died(candidates)
    _resolver(candidates, ctx)
    _runner_pull(candidates, parsed)
    _runner_pull_error(candidates)
    _own_login(candidates, parsed)
    _registry_clients(candidates)
    _remote_shell(candidates, parsed)
    _other_targets(candidates)
    _served_after_health_check(candidates, parsed)
    _other_services_warning(candidates, parsed)
    _runner_system_failure(candidates)
    _hosted_runner_lost_machine(candidates, parsed, catalog)
    _job_tools_own_network(candidates, parsed)
    _old_cli_hint(candidates, parsed)


def _tls_listener(candidates: dict[str, Candidate], ports: set[int]) -> None:
    tls = candidates.get("daemon-tls-client-plain-2375")
    if tls is not None and 2376 in ports and 2375 not in ports:
        tls.bonus += RULE_BONUS
        tls.reasons.append("the service log shows dockerd listening on 2376 only (TLS)")


def _plain_listener(candidates: dict[str, Candidate], ports: set[int]) -> None:
    if 2375 not in ports or 2376 in ports:
        return
    expects_tls = candidates.get("daemon-plain-client-expects-tls")
    if expects_tls is not None:
        expects_tls.bonus += RULE_BONUS
        expects_tls.reasons.append("the service log shows dockerd listening on plain 2375")
    tls = candidates.get("daemon-tls-client-plain-2375")
    if tls is not None:
        tls.bonus -= RULE_BONUS
        tls.reasons.append("the service log shows dockerd on plain 2375, so the port is right")
        race = candidates.get("daemon-not-ready-race")
        if race is not None:
            race.bonus += RULE_BONUS
            race.reasons.append("dockerd listens on 2375, but the client was refused: "
                                "it asked before the daemon was up")


def _tls_disabled(candidates: dict[str, Candidate], parsed: ParsedLog, ports: set[int]) -> None:
    tls = candidates.get("daemon-tls-client-plain-2375")
    if tls is None or ports or not any(_TLS_OFF.search(line.text.strip())
                                        for line in parsed.lines):
        return
    tls.bonus -= RULE_BONUS
    tls.reasons.append('the job sets DOCKER_TLS_CERTDIR to "": dind serves plain 2375, so the '
                       "port is right")
    race = candidates.get("daemon-not-ready-race")
    if race is not None:
        race.bonus += RULE_BONUS
        race.reasons.append("TLS is off, yet 2375 refused the client: the daemon was not up yet "
                            "(or exited: read the service log)")


def _testcontainers_api(candidates: dict[str, Candidate], parsed: ParsedLog,
                        catalog: Catalog) -> None:
    """An API floor error printed by Testcontainers is its embedded client's API version."""
    skew = candidates.get("api-version-skew")
    mode = "testcontainers-api-too-old"
    if skew is None or mode not in catalog or not any(
            _TESTCONTAINERS.search(line.text) for line in parsed.lines):
        return
    tc = candidates.setdefault(mode, Candidate(catalog[mode]))
    held = {id(h) for h in tc.hits}
    tc.hits.extend(h for h in skew.hits if id(h) not in held)
    _rank_above(tc, [skew.score])
    tc.reasons.append("Testcontainers printed it: its own Docker client asks for an API version "
                      "the daemon no longer serves")


# Testcontainers, or the docker-java client it embeds (its exceptions), in the log
_DOCKER_JAVA = re.compile(r"testcontainers|ClientProviderStrategy|dockerjava|docker-java"
                          r"|BadRequestException", re.IGNORECASE)


def _pinned_api_elsewhere(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """API 1.32 is Testcontainers' pinned version, but other clients pin it too (web UIs, SDKs):
    without Testcontainers or its docker-java client in the log, the floor error is the plain
    client/daemon skew."""
    tc, skew = candidates.get("testcontainers-api-too-old"), candidates.get("api-version-skew")
    if tc is None or skew is None or tc.bonus > 0 or any(
            _DOCKER_JAVA.search(line.text) for line in parsed.lines):
        return
    if all("1.32" in h.symptom.match for h in tc.hits) and _rank_above(skew, [tc.score]):
        skew.reasons.append("API 1.32 is pinned by Testcontainers but also by other clients, "
                            "and nothing in the log is Testcontainers")


# Testcontainers' summary of its failed environment search: the strategy's cause is logged with
# it, and names the mode
_TC_SUMMARY = re.compile(r"Could not find a valid Docker environment|Previous attempts to find a "
                         r"Docker environment failed", re.IGNORECASE)


def _testcontainers_cause(candidates: dict[str, Candidate]) -> None:
    """Testcontainers' "Could not find a valid Docker environment" only says that no strategy
    worked; the API floor error (its client version refused, or Docker Desktop's empty Info
    with HTTP 400) next to it is why, ahead of a socket the summary does not name."""
    tc = candidates.get("testcontainers-api-too-old")
    if tc is None or not any(not _TC_SUMMARY.search(h.symptom.match) for h in tc.hits):
        return
    summaries = [c for i, c in candidates.items() if i != tc.entry.id
                 and c.hits and c.bonus <= 0
                 and all(_TC_SUMMARY.search(h.symptom.match) for h in c.hits)]
    if summaries and _rank_above(tc, [c.score for c in summaries]):
        tc.reasons.append("Testcontainers' summary only says no strategy worked: the API "
                          "error logged with it is the cause")


def _kubernetes(candidates: dict[str, Candidate], ctx: JobContext, catalog: Catalog) -> None:
    if not ctx.kubernetes:
        return
    why = (f"the job runs on the {ctx.executor} executor" if ctx.executor
           else "the resolver is a cluster DNS service")
    for candidate in candidates.values():  # land on the Kubernetes fix of each fix tree
        if candidate.node_id is None:
            fix = candidate.entry.fix_tree.matching_fix({"kubernetes"})
            if fix is not None:
                candidate.node_id = fix.id
    causes = [c for i, c in candidates.items() if i in _CONNECTION_MODES]
    race = candidates.get("daemon-not-ready-race")
    if race is not None and any(_LOCAL_DAEMON.search(h.line.text) for h in race.hits):
        causes.append(race)  # the executor waits for services only with HEALTHCHECK_TCP_PORT
    _lift(candidates, catalog, "k8s-executor-wiring", causes,
          f"{why}: services share the pod, aliases come from HostAliases and the image "
          "entrypoint may not run")


def _shell(candidates: dict[str, Candidate], ctx: JobContext, catalog: Catalog) -> None:
    """On the shell executor there are no services: connection errors are the host's daemon
    (missing, or a socket the runner user may not open) or dind variables copied over."""
    if (ctx.executor or "").casefold() != "shell":
        return
    _lift(candidates, catalog, "shell-executor-specifics",
          [candidates[i] for i in _SHELL_CAUSES if i in candidates],
          "the job runs on the shell executor: services (and so dind) are not started; the "
          "script talks to the host's daemon as the runner user")


# a socket mounted over /var/run/docker.sock for every container of a runner (config.toml's
# volumes, `register --docker-volumes`); a job's own `docker run -v` of it in a dind job mounts
# dind's socket, which is no mix
_SOCKET_MOUNT = re.compile(r"(?:\bvolumes\s*=\s*\[[^\]]*|--docker-volumes[ =]['\"]?)"
                           r"[\w./-]*docker\.sock:/var/run/docker\.sock\b")
_SOCKET_ANY = re.compile(r"[\w./-]*docker\.sock:/var/run/docker\.sock\b")
# a dind service or container in the same log
_DIND_IMAGE = re.compile(r"\bdocker:(?:[\w.-]*-)?dind\b", re.IGNORECASE)


def _host_socket_with_dind(candidates: dict[str, Candidate], parsed: ParsedLog,
                           catalog: Catalog) -> None:
    """The log shows a host socket mounted over /var/run/docker.sock for the runner's containers
    (or for a dind container itself) and a dind service: since Runner 11.11 the volumes reach
    the service too, so dind cannot create its socket and dies (or the client talks to the
    host): the connection errors follow."""
    texts = [line.text for line in parsed.lines]
    dind = [t for t in texts if _DIND_IMAGE.search(t)]
    if not dind or not (any(_SOCKET_MOUNT.search(t) for t in texts)
                        or any(_SOCKET_ANY.search(t) for t in dind)):
        return
    _lift(candidates, catalog, "socket-binding-mixed-with-dind",
          [c for i, c in candidates.items() if i in _CONSEQUENCES],
          "the log mounts a socket over /var/run/docker.sock and starts a dind service: the "
          "mount reaches the service too, so dind cannot create its own socket")


# the GitHub Actions runner starting a job's containers (container jobs, service containers):
# its step, and the first command it runs there
_ACTIONS_CONTAINERS = re.compile(r"\bInitialize containers\b|##\[group\]Checking docker version"
                                 r"|arguments 'version --format '\{\{\.Server\.APIVersion\}\}",
                                 re.IGNORECASE)
_UNIX_SOCKET_MODES = ("docker-host-unset-unix-socket", "ff-network-per-build-effects",
                      "daemon-unreachable")


def _actions_runner_socket(candidates: dict[str, Candidate], parsed: ParsedLog,
                           catalog: Catalog) -> None:
    """The Actions runner could not reach /var/run/docker.sock while initialising the job's
    containers: a runner that gets Docker from a dind sidecar through a shared socket volume
    (actions-runner-controller's dind mode), where the sidecar did not create the socket
    (not up yet, crashed, or not sharing the volume)."""
    if not any(_ACTIONS_CONTAINERS.search(line.text) for line in parsed.lines):
        return
    _lift(candidates, catalog, "unix-socket-shared-volume-misconfig",
          [c for i, c in candidates.items() if i in _UNIX_SOCKET_MODES
           and any("unix://" in h.line.text.casefold() for h in c.hits)],
          "the Actions runner initialises the job's containers through a unix socket that is "
          "not there: the socket a dind sidecar shares (actions-runner-controller) is missing")
    lifted = candidates.get("unix-socket-shared-volume-misconfig")
    if lifted is not None and lifted.node_id is None:
        lifted.node_id = "actions-runner-controller"


# a CI's docker plugin tracing the dockerd it starts in its own container (Drone's and
# Woodpecker's plugins/docker, plugin-docker-buildx: ``+ /usr/local/bin/dockerd --data-root …``)
_PLUGIN_DOCKERD = re.compile(r"^\+ (?:/usr/(?:local/)?bin/)?dockerd\s")
_PLUGIN_SOCKET_MODES = ("docker-host-unset-unix-socket", "ff-network-per-build-effects",
                        "daemon-unreachable")


def _plugin_daemon_silent(candidates: dict[str, Candidate], parsed: ParsedLog,
                          catalog: Catalog) -> None:
    """A step started its own dockerd (a docker plugin) and then found no socket, with no
    daemon log line saying why: the plugin's container is not privileged (Drone runs it so only
    for trusted repositories, Woodpecker 2.7+ only for the plugins its admin lists), and
    dockerd exits at once without a word in the step's log."""
    started = next((line.number for line in parsed.lines
                    if _PLUGIN_DOCKERD.match(line.text.lstrip())), None)
    if started is None or any(
            h.symptom.variant == "service-log" and not h.symptom.weak
            for c in candidates.values() for h in c.hits):
        return
    _lift(candidates, catalog, "privileged-missing",
          [c for i, c in candidates.items() if i in _PLUGIN_SOCKET_MODES
           and any(h.line.number > started and "docker.sock" in h.line.text for h in c.hits)],
          "the step started its own dockerd (a docker plugin) and its socket never appeared: "
          "the plugin's container is not privileged, so dockerd could not start")
    lifted = candidates.get("privileged-missing")
    if lifted is not None and lifted.node_id is None:
        lifted.node_id = "no-privileged"


def _name_on(candidates: dict[str, Candidate], catalog: Catalog, mode: str, line: LogLine,
             what: str, node: str, reason: str) -> Candidate:
    """Name ``mode`` on ``line`` (a rule's hit, worth three rule bonuses), with the fix-tree
    node to open unless one is chosen already, and the reason."""
    candidate = candidates.setdefault(mode, Candidate(catalog[mode]))
    candidate.hits.append(Hit(line, Symptom(what), RULE_BONUS * 3))
    candidate.node_id = candidate.node_id or node
    candidate.reasons.append(reason)
    return candidate


def _rank_above(candidate: Candidate, scores: list[float]) -> bool:
    """Give ``candidate`` just enough bonus to score above every one of ``scores``; True when
    it needed some."""
    strongest = max(scores, default=0.0)
    if candidate.score > strongest:
        return False
    candidate.bonus += strongest - candidate.score + 1
    return True


def _lift(candidates: dict[str, Candidate], catalog: Catalog, mode: str,
          causes: list[Candidate], reason: str) -> None:
    """Rank ``mode`` above the ``causes`` it explains, with their hits as its evidence."""
    if not causes or mode not in catalog:
        return
    lifted = candidates.setdefault(mode, Candidate(catalog[mode]))
    strongest = max(c.score for c in causes)
    held = {id(h) for h in lifted.hits}  # identity: a long log has thousands of hits
    for cause in causes:
        for hit in cause.hits:
            if id(hit) not in held:
                held.add(id(hit))
                lifted.hits.append(hit)
    _rank_above(lifted, [strongest])
    lifted.reasons.append(reason)


def _answered_later(candidates: dict[str, Candidate], parsed: ParsedLog,
                    catalog: Catalog) -> None:
    """Connection errors and, after them, the daemon answering: it was not up yet when the
    first commands ran."""
    answered = [line.number for line in parsed.lines if line.origin is Origin.JOB
                and _DAEMON_ANSWERED.match(line.text)]
    if not answered:
        return
    early = [c for i, c in candidates.items() if i in _UNREACHED
             and any(h.line.number < answered[-1] and _UNREACHED_LINE.search(h.line.text)
                     for h in c.hits)]
    _lift(candidates, catalog, "daemon-not-ready-race", early,
          "the daemon answered later in the same log: the first commands ran before it was up")


def _started_just_before(candidates: dict[str, Candidate], parsed: ParsedLog,
                         catalog: Catalog) -> None:
    """The script (re)started the daemon and the next docker command could not reach it: the
    command ran before the daemon was up again."""
    jobs = [line for line in parsed.lines if line.origin is Origin.JOB and line.text.strip()]
    unreached = [c for i, c in candidates.items() if i in _UNREACHED]
    for at, line in enumerate(jobs):
        if not _DAEMON_STARTED.search(line.text):
            continue
        soon = {later.number for later in jobs[at + 1:at + 1 + _STARTED_WITHIN]}
        early = [c for c in unreached if any(
            h.line.number in soon and _UNREACHED_LINE.search(h.line.text) for h in c.hits)]
        if early:
            _lift(candidates, catalog, "daemon-not-ready-race", early,
                  "the daemon was (re)started just before: the next command asked before it "
                  "was up")
            return


def _cert_files_first(candidates: dict[str, Candidate], ctx: JobContext,
                      catalog: Catalog) -> None:
    """A client that could not load its certificate files never reached the daemon: the
    connection errors printed after it are consequences (outside Kubernetes, where the pod
    wiring has its own rule)."""
    if ctx.kubernetes:
        return
    loaded = [c for i, c in candidates.items() if i in _CERT_FILES and c.specific]
    if not loaded:
        return
    cause = max(loaded, key=lambda c: c.score)
    if _rank_above(cause, [candidates[i].score for i in _AFTER_CERT_FILES if i in candidates]):
        cause.reasons.append("the client could not load its certificate files, so the "
                             "connection errors after it follow from that")


def _client_certs_incomplete(candidates: dict[str, Candidate], parsed: ParsedLog,
                             catalog: Catalog) -> None:
    """The job listed its client certificate directory and it holds ca.pem without cert.pem
    and key.pem (dind writes all three): the job does not see the certificates dind wrote (a
    volume mounted over the directory, or another one), so the connection errors follow."""
    listed = [line for line in parsed.lines if line.origin is Origin.JOB
              and _LIST_CERTS.match(line.command.strip()) and not line.text.startswith("$ ")]
    names = {m.group("name") for line in listed for m in _CERT_FILE.finditer(line.text)}
    causes = [c for i, c in candidates.items() if i in _CONSEQUENCES]
    if "ca" not in names or names & {"cert", "key"} or not causes:
        return
    shown = next(line for line in listed if _CERT_FILE.search(line.text))
    _lift(candidates, catalog, "certs-client-not-shared", causes,
          "the job's client certificate directory holds ca.pem but no cert.pem/key.pem: it is "
          "not the directory dind wrote its client certificates to")
    if "certs-client-not-shared" in candidates:
        candidates["certs-client-not-shared"].hits.append(
            Hit(shown, Symptom("ca.pem without cert.pem and key.pem"), 0.0))


def _certs_race(candidates: dict[str, Candidate], ctx: JobContext) -> None:
    race = candidates.get("daemon-not-ready-race")
    if race is None or ctx.kubernetes or "ca.pem" not in race.best.symptom.match:
        return
    race.bonus -= RULE_BONUS
    race.reasons.append("a missing ca.pem is rarely a race outside Kubernetes: the Docker "
                        "executor's health check waits until dind has written its certificates")


def _service_died(candidates: dict[str, Candidate]) -> None:
    """A start-up error of the daemon outranks what the client saw afterwards: in the service's
    own log, or daemon lines pasted next to the job's (a daemon-log symptom, wherever it sits)."""
    died = [c for i, c in candidates.items() if i not in _NOT_FATAL and any(
        h.symptom.variant == "service-log" and not h.symptom.weak
        and not _DAEMON_WARNING.search(h.line.text) for h in c.hits)]
    if not died:
        return
    cause = max(died, key=lambda c: c.score)
    _rank_above(cause, [candidates[i].score for i in _CONSEQUENCES if i in candidates])
    cause.reasons.append("the service's own log shows why dockerd did not start; the client's "
                         "connection errors follow from it")
    alias = candidates.get("alias-unresolvable")
    if alias is not None:
        alias.node_id = "service-died"
        alias.reasons.append(f"the service log shows a start-up failure ({cause.entry.id}): the "
                             "service exited and its alias went with it")


def _resolver(candidates: dict[str, Candidate], ctx: JobContext) -> None:
    alias = candidates.get("alias-unresolvable")
    if alias is not None and ctx.resolver is not None:
        where = f"on {ctx.resolver.ip}" if ctx.resolver.ip else "locally"
        alias.reasons.append(f"resolver {where}: {ctx.resolver.meaning}")



def _runner_pull(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """A registry refusal printed while the runner pulls the job's or a service's image (before
    the script's first command) comes from the runner's host daemon, not from dind."""
    if not any(_RUNNER_PULL.match(line.text) for line in parsed.lines):
        return
    for mode in _INNER_PULL_MODES:
        candidate = candidates.get(mode)
        if candidate is not None and all(h.line.command_index < 0 for h in candidate.hits):
            del candidates[mode]


def _runner_pull_error(candidates: dict[str, Candidate]) -> None:
    """A pull the runner itself made and reported (``Preparation failed: failed to pull image
    "…" with specified policies``) went through the runner host's daemon: a timeout, DNS or
    certificate error there names none of the inner daemon's network modes."""
    for mode in _INNER_DAEMON_NETWORK_MODES:
        candidate = candidates.get(mode)
        if candidate is None:
            continue
        kept = [h for h in candidate.hits if not _RUNNER_PULL_ERROR.search(h.line.text)]
        if len(kept) == len(candidate.hits):
            continue
        candidate.hits = kept
        if not kept and candidate.bonus <= 0:
            del candidates[mode]


def _own_login(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """A refusal after the job's own ``docker login`` is about the credentials the job gave
    (another host, account or region, a token without access), not about credentials the inner
    daemon failed to inherit."""
    candidate = candidates.get("registry-auth-not-inherited")
    if candidate is None:
        return
    logins = [line.number for line in parsed.lines
              if line.origin is Origin.JOB and _OWN_LOGIN.match(line.text.strip())]
    if logins and all(h.line.number > logins[0] for h in candidate.hits):
        del candidates["registry-auth-not-inherited"]


# registry clients that talk to the registry themselves, without the Docker daemon
_DAEMONLESS = re.compile(r"^(?:sudo\s+)?(?:helm|oras|crane|skopeo|regctl)\s")


def _registry_clients(candidates: dict[str, Candidate]) -> None:
    """A refusal that Helm (an OCI chart), oras, crane, skopeo or regctl printed comes from a
    client that asks the registry itself: no daemon, so nothing it failed to inherit."""
    for mode in _INNER_PULL_MODES:
        candidate = candidates.get(mode)
        if candidate is not None and candidate.hits and all(
                _DAEMONLESS.match(h.line.command) for h in candidate.hits):
            del candidates[mode]


# a command the job runs on another host over ssh: what docker prints there is that host's
_SSH_COMMAND = re.compile(r"^(?:sshpass\s+(?:-\w\s*\S+\s+)*)?ssh\s")


# a script run over Go's ssh client (appleboy/ssh-action, drone-ssh): its remote stderr and
# stdout lines come back as ``err: ...`` / ``out: ...``, and a failed script ends on the
# client's ``Process exited with status N`` (after Go's log timestamp)
_GO_SSH_EXIT = re.compile(r"^(?:\d{4}/\d\d/\d\d \d\d:\d\d:\d\d )?Process exited with status \d+")
_GO_SSH_OUTPUT = re.compile(r"^(?:err|out): ")


def _remote_shell(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """Errors printed by a command the job ran over ``ssh`` on a deploy host come from that
    host's Docker, not from the job's Docker-in-Docker."""
    go_ssh = any(_GO_SSH_EXIT.match(line.text.strip()) for line in parsed.lines)
    for mode, candidate in list(candidates.items()):
        if candidate.hits and all(_SSH_COMMAND.match(h.line.command)
                                  or (go_ssh and _GO_SSH_OUTPUT.match(h.line.text.strip()))
                                  for h in candidate.hits):
            del candidates[mode]


# the Docker client reached its daemon over ssh (DOCKER_HOST=ssh://, a docker context): a host
# the job deploys to, not the DinD service
_SSH_DAEMON = re.compile(r"\bdocker system dial-stdio\]? has exited\b")


# the job's own Kubernetes client creating its workloads: an admission refusal it prints is
# about the job's manifests (kubectl's ``error when creating "deploy.yaml"``), not about the
# runner's build pod
_WORKLOAD_CLIENT = re.compile(r"^(?:sudo\s+)?(?:kubectl|oc|helm|kustomize)\s")
_WORKLOAD_REFUSAL = re.compile(r"Error from server \(Forbidden\): error when \w+ \"")


def _other_targets(candidates: dict[str, Candidate]) -> None:
    """A Docker client talking to a remote daemon over ssh, and a Kubernetes client's
    handshake with its API server, say nothing about the job's DinD: their lines name no
    mode (the network of nested containers is no path from the job to a cluster); nor does a
    cluster's refusal of a privileged workload the job deploys."""
    for mode, candidate in list(candidates.items()):
        kept = [h for h in candidate.hits if not _SSH_DAEMON.search(h.line.text)
                and not (mode == "mtu-mismatch" and KUBE_CLIENT.search(h.line.text))
                and not (mode == "privileged-missing" and (
                    _WORKLOAD_REFUSAL.search(h.line.text)
                    or _WORKLOAD_CLIENT.match(h.line.command)))]
        if len(kept) == len(candidate.hits):
            continue
        candidate.hits = kept
        if not kept and candidate.bonus <= 0:
            del candidates[mode]


def _served_after_health_check(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """The runner's health check of the service timed out, but the daemon served the job's
    commands afterwards: the warning did not matter."""
    candidate = candidates.get("service-healthcheck-timeout")
    if candidate is None or not candidate.hits:
        return
    last = max(h.line.number for h in candidate.hits)
    if any(line.number > last and line.origin is Origin.JOB
           and _DAEMON_SERVED.search(line.text) for line in parsed.lines):
        del candidates["service-healthcheck-timeout"]


# a service container the runner named after a Docker image (docker:*-dind, a mirror's
# .../docker, a custom *dind* image)
_DIND_SERVICE_NAME = re.compile(r"docker|dind", re.IGNORECASE)
_WARNING_END = re.compile(r"^\*{5,}\s*$")


def _other_services_warning(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """The runner's ``*** WARNING: Service …-postgres-0 probably didn't start properly.`` block is
    about another service (a database, a cache): its lines name no dind health check."""
    candidate = candidates.get("service-healthcheck-timeout")
    if candidate is None:
        return
    blocks = []
    for warning in parsed.warnings:
        if _DIND_SERVICE_NAME.search(warning.service):
            continue
        end = next((line.number for line in parsed.lines
                    if line.number > warning.line and _WARNING_END.match(line.text.strip())),
                   warning.line)
        blocks.append((warning.line, end))
    if not blocks:
        return
    kept = [h for h in candidate.hits
            if not any(start <= h.line.number <= end for start, end in blocks)]
    if len(kept) == len(candidate.hits):
        return
    candidate.hits = kept
    if not kept and candidate.bonus <= 0:
        del candidates["service-healthcheck-timeout"]


def _runner_system_failure(candidates: dict[str, Candidate]) -> None:
    """``Job failed (system failure): Cannot connect to the Docker daemon`` is the runner's own
    Docker host (an autoscaled machine, the host's daemon) going away: a hit on that line names
    no DinD mode; so is ``Preparation failed: Cannot connect to the Docker daemon at …`` (the
    runner's preparation on the daemon it runs the job on: its socket, an autoscaled machine),
    and a volume of its config.toml that the runner host's daemon could not mount. A host named
    docker is the runner's host set to the dind alias (runner-docker-host-misread)."""
    for mode, candidate in list(candidates.items()):
        kept = [h for h in candidate.hits if not RUNNER_LOST_HOST.search(h.line.text)
                and not RUNNER_HOST_SOCKET.search(h.line.text)
                and not RUNNER_HOST_MOUNT.search(h.line.text)]
        if len(kept) == len(candidate.hits):
            continue
        candidate.hits = kept
        if not kept and candidate.bonus <= 0:
            del candidates[mode]


# the runner could not reach the Docker host it runs the job on (its autoscaled machine), or
# could not start its own helper container there (the helper image lacks gitlab-runner-build)
_LOST_MACHINE = re.compile(r"Job failed \(system failure\): (?:error during connect: |Cannot "
                           r"connect to the Docker daemon at tcp://|failed to connect to the "
                           r"docker API at tcp://"
                           r"|.*\bexec: \W*gitlab-runner-(?:build|helper)\W*: executable file "
                           r"not found)", re.IGNORECASE)
# GitLab.com's hosted runners, by the name the job log prints ("on docker-auto-scale 0277ea0f",
# "on blue-1.saas-linux-small-amd64.runners-manager.gitlab.com/default")
_GITLAB_COM_RUNNER = re.compile(r"\bon docker-auto-scale\b|shared-runners-manager-\d+\.gitlab\.com"
                                r"|\.runners-manager\.gitlab\.com\b", re.IGNORECASE)


def _hosted_runner_lost_machine(candidates: dict[str, Candidate], parsed: ParsedLog,
                                catalog: Catalog) -> None:
    """On GitLab.com's hosted runners a system failure that loses the job's Docker host is the
    fleet's autoscaled machine going away (an incident, a preempted VM): elsewhere it is the
    runner's own host and no DinD mode (see :func:`_runner_system_failure`)."""
    mode = "gitlab-saas-runner-specifics"
    lost = next((line for line in parsed.lines if line.origin is Origin.JOB
                 and _LOST_MACHINE.search(line.text)), None)
    if lost is None or mode not in catalog or not any(
            _GITLAB_COM_RUNNER.search(line.text) for line in parsed.lines):
        return
    _name_on(candidates, catalog, mode, lost, "a GitLab.com runner lost its Docker machine",
             "saas-incident",
             "a GitLab.com hosted runner lost the autoscaled machine that ran the job, or could "
             "not start its own helper container there (system failure): the fleet's side, not "
             "the job's dind")


# a command that runs something on the Docker daemon (a container, a build) or is a build tool
_ON_DAEMON = re.compile(r"\b(?:docker|docker-compose|podman|buildah|nerdctl|buildctl|kaniko"
                        r"|executor)\b", re.IGNORECASE)
# a request the command sends to the daemon's own port (curl https://docker:2376/version)
_TO_DAEMON_PORT = re.compile(r"://[\w.\[\]-]+:237[56]\b")
# a build's own output: BuildKit's ``#5 ...``, the classic builder's ``Step 2/7 :`` / `` ---> ``
_BUILD_OUTPUT = re.compile(r"^(?:#\d+ |Step \d+/\d+ : | ---> )")
_OWN_NETWORK_MODES = ("nested-dns", "mtu-mismatch", "proxy-not-propagated")


def _job_tools_own_network(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """``apt-get``, ``apk``, ``pip`` or ``go`` run by the job's script itself (not in a
    container or a build on the daemon) use the job container's network: their failed lookup
    or stalled TLS handshake is not DNS or MTU inside dind (Docker's bridge listed by ``ip``
    or ``ifconfig`` is the daemon's, whoever lists it)."""
    for mode in _OWN_NETWORK_MODES:
        candidate = candidates.get(mode)
        if candidate is None:
            continue
        kept = [h for h in candidate.hits if h.symptom.match == BRIDGE_MTU
                or not _own_tool_line(h.line, parsed)]
        if len(kept) == len(candidate.hits):
            continue
        candidate.hits = kept
        if not kept and candidate.bonus <= 0:
            del candidates[mode]


def _own_tool_line(line: LogLine, parsed: ParsedLog) -> bool:
    if line.origin is not Origin.JOB or line.command_index < 0 or _ON_DAEMON.search(line.command) \
            or _TO_DAEMON_PORT.search(line.command):
        return False
    return not any(_BUILD_OUTPUT.match(other.text) for other in parsed.lines
                   if other.command_index == line.command_index)


# the docker CLI before 1.13 appended this hint to every failed connection, not only to the
# plain-HTTP answer of a TLS port ("malformed HTTP response")
_TLS_HINT = re.compile(r"Are you trying to connect to a TLS-enabled daemon without TLS",
                       re.IGNORECASE)
_DIAL_FAILED = re.compile(r"\bdial (?:unix|tcp)\b|connection refused|no such host"
                          r"|no such file or directory|permission denied|i/o timeout",
                          re.IGNORECASE)
_TLS_ANSWER = re.compile(r"malformed HTTP response|\\x15\\x03", re.IGNORECASE)


def _old_cli_hint(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """The old CLI's "TLS-enabled daemon without TLS?" hint under a failed dial (a missing
    socket, a refused port) is boilerplate: the dial error names the mode."""
    candidate = candidates.get("client-plain-http-to-tls-port")
    if candidate is None:
        return
    lines = parsed.lines

    def boilerplate(line: LogLine) -> bool:
        if not _TLS_HINT.search(line.text):
            return False
        at = next(i for i, other in enumerate(lines) if other is line)
        before = [other.text for other in lines[max(0, at - 2):at]] + [line.text]
        return any(_DIAL_FAILED.search(t) for t in before) \
            and not any(_TLS_ANSWER.search(t) for t in before)

    kept = [h for h in candidate.hits if not boilerplate(h.line)]
    if len(kept) == len(candidate.hits):
        return
    candidate.hits = kept
    if not kept and candidate.bonus <= 0:
        del candidates["client-plain-http-to-tls-port"]


# an image that starts its own dockerd next to the client (the Drone plugins built on
# drone-docker, the docker image's dind variants) ...
_DAEMON_IMAGE = (r"(?:docker\.io/)?(?:plugins/(?:docker|ecr|gcr|gar|acr|heroku|docker-buildx)"
                 r"|(?:library/)?docker)")
# ... pulled under a floating tag: a new image arrived ("Downloaded newer image for ...")
_FLOATING_PULLED = re.compile(r"Downloaded newer image for " + _DAEMON_IMAGE
                              + r"(?::(?:latest|dind|stable|\d+(?:-dind)?))?\s*$", re.IGNORECASE)
# the same image named under a floating tag and under a pinned version (x.y.z) in one log: the
# job compares the two
_TAGGED = re.compile(r"(?:^|[\s=])(?P<image>" + _DAEMON_IMAGE + r"):(?P<tag>[\w.-]+)"
                     r"|^(?P<ptag>[\w.-]+): Pulling from (?P<pimage>" + _DAEMON_IMAGE + r")\s*$",
                     re.IGNORECASE)
_FLOATING_TAG = re.compile(r"^(?:(?:latest|stable|edge)(?:-dind)?|dind|\d+(?:-dind)?)$",
                           re.IGNORECASE)
_PINNED_TAG = re.compile(r"^\d+\.\d+\.\d+", re.IGNORECASE)
# the daemon of that image never answered: drone-docker's own give-up line, the client's
# failed connection to the local socket
_OWN_DAEMON_FAILED = re.compile(r"Unable to reach Docker Daemon after \d+ attempts"
                                r"|Cannot connect to the Docker daemon at unix://"
                                r"|failed to connect to the docker API at unix://", re.IGNORECASE)


def _floating_daemon_image(candidates: dict[str, Candidate], parsed: ParsedLog,
                           catalog: Catalog) -> None:
    """An image that runs its own daemon (``plugins/docker``, ``docker:dind``) came under a
    floating tag, newly pulled or side by side with a pinned version of it, and that daemon
    never answered: the tag moved to a release that does not start here."""
    mode = "floating-tag-breakage"
    failed = next((line for line in parsed.lines if _OWN_DAEMON_FAILED.search(line.text)), None)
    if failed is None or mode not in catalog:
        return
    tags: dict[str, set[str]] = {}
    for line in parsed.lines:
        for m in _TAGGED.finditer(line.text.strip()):
            image = (m.group("image") or m.group("pimage")).casefold()
            tags.setdefault(image.removeprefix("docker.io/").removeprefix("library/"),
                            set()).add(m.group("tag") or m.group("ptag"))
    compared = any(any(_FLOATING_TAG.match(t) for t in seen)
                   and any(_PINNED_TAG.match(t) for t in seen) for seen in tags.values())
    if not compared and not any(_FLOATING_PULLED.search(line.text) for line in parsed.lines):
        return
    causes = [c for i, c in candidates.items() if i in _UNIX_SOCKET_MODES + _CONSEQUENCES]
    lifted = _name_on(candidates, catalog, mode, failed,
                      "the daemon of a floating-tag image never answered", "pin-both",
                      "the image that starts the daemon came under a floating tag (a newly "
                      "pulled latest, or next to a pinned version of it), and its daemon never "
                      "answered: the tag moved to a release that fails here; pin it")
    _rank_above(lifted, [c.score for c in causes])


# the daemon's container was started privileged (`docker run --privileged`, a runner's or a
# compose file's `privileged = true` / `privileged: true`)
_RUNS_PRIVILEGED = re.compile(r"(?:^|\s)--privileged(?:=true)?(?=\s|$)"
                              r"|\bprivileged\s*[=:]\s*['\"]?true\b", re.IGNORECASE)
# the overlay2 driver's mount refused with EPERM
_OVERLAY_EPERM = re.compile(r"failed to mount overlay: operation not permitted", re.IGNORECASE)


def _overlay_refused_while_privileged(candidates: dict[str, Candidate], parsed: ParsedLog,
                                      catalog: Catalog) -> None:
    """overlay2's mount refused (EPERM) in a daemon whose container the log starts privileged,
    and nothing else of an unprivileged container: privileges are there, the file system under
    the data root (a bind-mounted host directory, an overlay) refuses the overlay mount."""
    denied = candidates.get("privileged-missing")
    if denied is None or not denied.hits or denied.bonus > 0 or not all(
            _OVERLAY_EPERM.search(h.line.text) for h in denied.hits):
        return
    started = next((line for line in parsed.lines if _RUNS_PRIVILEGED.search(line.text)
                    and not _OVERLAY_EPERM.search(line.text)), None)
    if started is None:
        return
    _lift(candidates, catalog, "overlay-on-overlay", [denied],
          "the daemon's container runs privileged, yet overlay2 could not mount: the file "
          "system under its data root (a host directory bind-mounted into it, or an overlay) "
          "does not carry the overlay mount")


# dockerd's overlay probe when the kernel has no overlay file system at all (not a refused
# mount): a probe, after which the daemon goes on with another driver
_OVERLAY_ABSENT = re.compile(r"'overlay2?' not found as a supported")


def _overlay_probe_then_vfs(candidates: dict[str, Candidate], catalog: Catalog) -> None:
    """The daemon found no overlay file system in the kernel and then said it runs on vfs: the
    log shows the fallback itself (slow, disk-hungry builds), not an overlay mount that failed
    on an overlay."""
    vfs = candidates.get("storage-driver-vfs-fallback")
    overlay = candidates.get("overlay-on-overlay")
    if vfs is None or overlay is None or not any(not h.symptom.weak for h in vfs.hits):
        return
    if not all(_OVERLAY_ABSENT.search(h.line.text.replace("`", "'")) for h in overlay.hits):
        return
    _lift(candidates, catalog, "storage-driver-vfs-fallback", [overlay],
          "the kernel has no overlay file system and the daemon then chose vfs: it runs on the "
          "vfs fallback")


# the docker:dind entrypoint generating its TLS certificates (the lines just before it starts
# the dind wrapper and dockerd)
_DIND_CERTS = re.compile(r"subject=\s*CN\s*=\s*docker:dind (?:server|client)"
                         r"|/certs/(?:server|client)/cert\.pem: OK")
_SED_WRITE = re.compile(r"^(?:.*\s)?sed: write error\s*$")


def _dind_wrapper_sed(candidates: dict[str, Candidate], parsed: ParsedLog) -> None:
    """``sed: write error`` right after the docker:dind entrypoint made its certificates: the
    dind wrapper's cgroup v2 step (``sed ... > /sys/fs/cgroup/cgroup.subtree_control``) failed,
    which the wrapper of older docker:dind images does on a cgroup v2 host."""
    mode = candidates.get("cgroup-v2-old-dind")
    if mode is None or mode.specific:
        return
    lines = parsed.lines
    certs = [i for i, line in enumerate(lines) if _DIND_CERTS.search(line.text)]
    if not certs:
        return
    sed = next((line for line in lines[certs[0]:] if _SED_WRITE.match(line.text)), None)
    if sed is None:
        return
    mode.bonus += RULE_BONUS
    mode.reasons.append("sed could not write just after the docker:dind entrypoint made its "
                        "certificates: the dind wrapper's cgroup v2 step failed (an old "
                        "docker:dind on a cgroup v2 host)")


# iptables-nft on a kernel without nf_tables: netlink answers EPROTONOSUPPORT
_NFT_UNSUPPORTED = re.compile(r"Failed to initialize nft: Protocol not supported", re.IGNORECASE)
# dockerd run by the host's init (the systemd journal's "dockerd[468]:" prefix, or the unit
# starting): the daemon runs on the machine's own kernel, not in a container
_HOST_DOCKERD = re.compile(r"\sdockerd\[\d+\]: |systemd\[1\]: Start(?:ing|ed) Docker Application "
                           r"Container Engine")


def _host_kernel_without_nft(candidates: dict[str, Candidate], parsed: ParsedLog,
                             catalog: Catalog) -> None:
    """``Failed to initialize nft: Protocol not supported`` from a dockerd that the host's
    systemd runs: no container chose the wrong backend, the machine's own kernel was built
    without nf_tables (a board or appliance kernel)."""
    backend = candidates.get("iptables-backend-mismatch")
    if backend is None or not any(_NFT_UNSUPPORTED.search(h.line.text) for h in backend.hits):
        return
    if not any(_HOST_DOCKERD.search(line.text) for line in parsed.lines):
        return
    _lift(candidates, catalog, "missing-kernel-netfilter-modules", [backend],
          "iptables-nft found no nf_tables in the kernel of a host whose own systemd runs "
          "dockerd: the kernel lacks the netfilter modules")
