"""Failure modes that no single error line names, read off what the log shows around it.

- a download inside ``docker build`` or a shell opened in a container (``docker run -it ...
  sh``) that never finished (the excerpt, or the job, ends on it): packets too large for the
  path (MTU);
- a connection refused on ``localhost`` at a port in Docker's ephemeral range: a port that a
  container inside dind published, which lives on the dind service, not on ``localhost``;
- a path under a ``docker run -v <src>:<dst>`` target that the container cannot find: the
  daemon resolved ``<src>`` in its own (the service's) file system;
- ``lookup <name>`` failing, in a daemon's answer, for a host name with dots
  (``auth.docker.io``), not a service alias: name resolution inside dind, not the alias;
- ``lookup <name>`` failing for a name without dots (``dind``, ``docker-svc``) when nothing
  else named the lookup: a service alias that does not resolve, whatever the alias is called;
- a build given a network of its own (``docker build --network <name>``, a buildx builder
  created with ``--driver-opt network=<name>``) and a name that then does not resolve:
  BuildKit's RUN steps do not get that network's DNS;
- runc's "final child's PID from pipe: EOF" where the client talks to a rootless daemon
  (``/run/user/<uid>/docker.sock``, ``docker:dind-rootless``): the user namespace the container
  needs was refused; or runc denied the container's cgroup there (``mkdir /sys/fs/cgroup/...:
  permission denied``): a rootless daemon cannot manage cgroup v1;
- a Python traceback whose frame in docker-py's unix-socket transport raised ``[Errno 13]
  Permission denied``: the user may not open the daemon's socket (the traceback's last line,
  which names Docker, is often cut off);
- a client library's generic TLS or connection error (Java's "Unrecognized SSL message,
  plaintext connection?", "Unexpected end of file from server", Python's "no appropriate
  commonName or subjectAltName", Node's "ECONNREFUSED 127.0.0.1:<port>") in a log that shows a
  Docker endpoint (``DOCKER_HOST=tcp://docker:2376``, ``-H tcp://…:2375``), or a certificate
  error in a trace that shows a Docker client library (docker-java, docker-py ...): the mode that
  error means on that endpoint. Alone, the same words are any HTTPS or TCP client's;
- a proxy handed to a build (``--build-arg http_proxy=...``) whose host name the build's
  containers then cannot resolve: a name known where the client runs, not to the daemon's DNS;
- a proxy's answer (curl's refused CONNECT) to a request for the daemon's port: the client's
  proxy settings catch the daemon's address;
- a flag of ``docker compose`` that the docker CLI itself refused (``unknown flag: --short`` and
  ``See 'docker --help'``): no compose plugin took the command;
- a .NET ``SocketException`` raised in Docker.DotNet's connect callback for its local endpoint
  (the unix socket or named pipe): no daemon socket where the client looks, or one it may not
  open;
- bollard's (Rust) failed connect with the OS error under it ``Permission denied (os error
  13)``: the user may not open the daemon's socket;
- a connection refused on ``localhost`` at a host port that Testcontainers was told to bind:
  the port is published on the daemon's host, which is not the job's localhost;
- a job written for the Alpine-based ``docker:*`` image with a dind service whose ``apk``
  bash cannot find: the job's image (and its services) were ignored, as the shell executor
  does, so the script runs on the runner's host.

Each rule adds a candidate with a hit on the line that shows it and a reason the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..catalog import Catalog, Symptom
from .logtext import LogLine, Origin, ParsedLog
from .matcher import SERVICE_WEIGHT, Candidate, Hit

RULE_SCORE = 45.0  # about a full error line's worth: beats fragments, loses to a long symptom

# (the classic builder's ``Step 4/9 : RUN`` and, before Docker 1.13, ``Step 4 : RUN``; its
# `` ---> Running in <id>`` line, indented)
_BUILD_STEP = re.compile(r"^(?:.*\| )?(?:Step \d+(?:/\d+)? : RUN |#\d+ \[[^\]]*\] RUN "
                         r"|\s*---> Running in |\s*#\d+ \d+\.\d+ )", re.IGNORECASE)
# a download that started (apt's ``E: Failed to fetch http://...`` is one that ended, with its
# error: not a stalled one)
_DOWNLOAD_START = re.compile(
    r"(?:^|\| |\s)(?:(?<!failed to )fetch https?://|Get:\d+ https?://|Downloading https?://"
    r"|Connecting to \S+|Collecting \S+|Resolving \S+\.\.\.|npm (?:http )?fetch GET"
    r"|HTTP request sent, awaiting response|Downloading from [\w.-]+: https?://"
    r"|go: downloading \S+|Fetching gem metadata from https?://"
    # curl -v sent its TLS Client hello and no Server hello came; apt still waits for the
    # answer's headers
    r"|\* TLSv[\d.]+ \(OUT\), TLS handshake, Client hello \(1\):|\[Waiting for headers\])",
    re.IGNORECASE)
_JOB_END = re.compile(r"^(?:ERROR: Job failed|Cleaning up|section_end|Job succeeded|WARNING: "
                      r"step_script could not run to completion)", re.IGNORECASE)
_TIMED_OUT = re.compile(r"execution took longer than|Job's log exceeded|timed out after",
                        re.IGNORECASE)
# the user interrupted the command that hung (a terminal echoes Ctrl-C as ``^C``)
_INTERRUPTED = re.compile(r"^\^C\s*$")
# (0.0.0.0 too: k3d writes its API server there, and a dial to it is a dial to this host)
# (and urllib3's HTTPConnectionPool(host='localhost', port=32768), requests' and docker-py's)
_LOCAL_PORT = re.compile(r"(?:localhost|127\.0\.0\.1|(?<![\d.])0\.0\.0\.0|\[::1\]|::1)"
                         r"(?::| port )(?P<port>\d{5})\b"
                         r"|host='(?:localhost|127\.0\.0\.1)', port=(?P<pyport>\d{5})\b",
                         re.IGNORECASE)
# (curl 8 words a refused connect "Failed to connect to localhost port 8080 after 0 ms:
# Couldn't connect to server", without "Connection refused")
_REFUSED = re.compile(r"connection refused|ECONNREFUSED"
                      r"|Failed to connect to \S+ port \d+(?: after \d+ ms)?: Couldn't connect to "
                      r"server", re.IGNORECASE)
_EPHEMERAL = range(32768, 61000)  # Linux ip_local_port_range: where -P / random ports land
_MOUNT = re.compile(r"(?:-v|--volume)[ =]['\"]?(?P<src>[^\s:'\"]+)['\"]?:(?P<dst>/[^\s:'\",]*)"
                    r"|--mount[ =]\S*(?:target|destination|dst)=(?P<target>/[^\s,'\"]*)")
_MISSING = re.compile(r"(?P<path>/[^\s:\"'\\]+)\\?\"?:? (?:no such file or directory"
                      r"|not found)", re.IGNORECASE)
# a file-not-found message that names the path anywhere on the line (python, php, node, sh)
_NOT_FOUND = re.compile(r"no such file or directory|not found|cannot find module|could not open "
                        r"input file|can't open|does not exist", re.IGNORECASE)
_PATH = re.compile(r"(?P<path>/[A-Za-z0-9_.@+-][^\s:\"'\\,)]*)")
_LOOKUP = re.compile(r"lookup (?P<name>[A-Za-z0-9_.-]+)(?: on (?P<ip>[0-9a-fA-F.:\[\]]+?):53)?"
                     r": (?:read udp \S+: )?(?:no such host|Try again|server misbehaving"
                     r"|Temporary failure in name resolution"
                     r"|i/o timeout)")
# other clients' words for a name that does not resolve (Node, Java, Python's urllib3)
_UNRESOLVED = re.compile(r"(?:getaddrinfo (?:ENOTFOUND|EAI_AGAIN) |UnknownHostException: "
                         r"|Failed to resolve ')(?P<name>[A-Za-z0-9_.-]+)")
_IP = re.compile(r"^[0-9.]+$")
# a Kubernetes client could not reach its cluster's API server (kubectl, Helm): not a service
KUBE_CLIENT = re.compile(r"^(?:error: )?Unable to connect to the server: "
                          r"|\bKubernetes cluster unreachable: ", re.IGNORECASE)
# the lookup was the daemon's (a pull, a push, a login), not a tool's in the job
_BY_DAEMON = re.compile(r"Error response from daemon|/v[12]/|docker\.io", re.IGNORECASE)


def apply_situations(candidates: dict[str, Candidate], parsed: ParsedLog,
                     catalog: Catalog) -> None:
    """Add the candidates that the situations in the log point to (in place)."""
    lines = [line for line in parsed.lines if line.origin is Origin.JOB]
    _stalled_download(candidates, lines, catalog)
    _ephemeral_port_refused(candidates, lines, catalog)
    _bind_mount_missing(candidates, lines, catalog)
    _outside_name(candidates, lines, catalog)
    _alias_lookup(candidates, lines, catalog)
    _driver_on_snapshotter(candidates, parsed.lines, catalog)
    _build_network(candidates, lines, catalog)
    _rootless_runtime(candidates, parsed.lines, catalog)
    _generic_on_endpoint(candidates, parsed.lines, lines, catalog)
    _proxy_on_endpoint(candidates, lines, catalog)
    _published_on_service(candidates, parsed.lines, lines, catalog)
    _build_proxy_unresolved(candidates, lines, catalog)
    _build_step_outside_name(candidates, lines, catalog)
    _build_step_stall(candidates, lines, catalog)
    _registry_plain_http(candidates, parsed.lines, catalog)
    _mtu_not_applied(candidates, parsed.lines, catalog)
    _ping_passes_download_stalls(candidates, lines, catalog)
    _frozen_channel_tag(candidates, parsed.lines, catalog)
    _python_socket_denied(candidates, lines, catalog)
    _k8s_service_exited(candidates, lines, catalog)
    _build_pull_refused_pull_works(candidates, lines, catalog)
    _docker_py_store_unread(candidates, lines, catalog)
    _compose_flag_on_docker(candidates, parsed.lines, catalog)
    _dotnet_local_socket(candidates, parsed.lines, catalog)
    _bollard_socket_denied(candidates, parsed.lines, catalog)
    _fixed_port_refused(candidates, parsed.lines, catalog)
    _wrapped_overlay_mount(candidates, parsed.lines, catalog)
    _job_image_ignored(candidates, parsed.lines, catalog)


_BUILD_NETWORK = re.compile(r"\bbuild(?:x build)?\b.*\s--network[= ]['\"]?(?P<net>[\w.-]+)"
                            r"|--driver-opt[= ]['\"]?network=(?P<opt>[\w.-]+)")
_NOT_CUSTOM = {"host", "default", "none", "bridge"}
_NOT_RESOLVED = re.compile(r"could not resolve|temporary failure (?:in name resolution|resolving)"
                           r"|no such host|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|unknown host"
                           r"|name or service not known|UnknownHostException", re.IGNORECASE)


def _build_network(candidates: dict[str, Candidate], lines: list[LogLine],
                   catalog: Catalog) -> None:
    """A build put on a user-defined network, then a name that does not resolve: BuildKit
    runs RUN steps on the default or host network only."""
    networks = {net for line in lines for m in [_BUILD_NETWORK.search(line.text)] if m
                for net in [m.group("net") or m.group("opt")] if net.lower() not in _NOT_CUSTOM}
    if not networks:
        return
    failed = _first(lines, _NOT_RESOLVED)
    if failed is not None:
        _add(candidates, catalog, "buildkit-default-network", failed,
             "a name that does not resolve in a build on a user-defined network",
             f"the build was given the network {sorted(networks)[0]}, but BuildKit's RUN steps "
             "do not get its DNS: containers on it are not found by name")


# the job talks to a dind service: its endpoint, or the service image
_DIND_SERVICE = re.compile(r"tcp://[\w.-]+:237[56]\b|\bdocker:[\w.-]*dind\b", re.IGNORECASE)
# a host outside that does not resolve, in the words of curl, git, apt, pip, npm, Java, Go,
# BusyBox wget (Alpine's: "wget: bad address 'dl-cdn.alpinelinux.org'"), Maven ("Unknown host")
_OUTSIDE_UNRESOLVED = re.compile(
    r"(?:Could not resolve host: |Temporary failure resolving '|getaddrinfo EAI_AGAIN "
    r"|wget: bad address '|: Unknown host "
    r"|UnknownHostException: |Failed to resolve '|lookup )(?P<name>[A-Za-z0-9-]+\.[A-Za-z0-9.-]+)")


# a proxy handed to the build's containers: ``--build-arg http_proxy=...`` or the client's
# ``proxies`` in ~/.docker/config.json
_BUILD_PROXY = re.compile(r"(?:--build-arg[= ](?:https?|all|ftp)_proxy=|\"(?:https?|ftp)Proxy\""
                          r"\s*:\s*\")['\"]?(?:[a-z][\w+.-]*://)?(?:[^@\s/'\"]+@)?"
                          r"(?P<host>[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)", re.IGNORECASE)
_RESOLVE_FAILED = re.compile(r"could not resolve|temporary failure (?:in name resolution|resolving)"
                             r"|no such host|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|unknown host"
                             r"|name or service not known|UnknownHostException|unable to resolve "
                             r"host|failed to resolve", re.IGNORECASE)


def _build_proxy_unresolved(candidates: dict[str, Candidate], lines: list[LogLine],
                            catalog: Catalog) -> None:
    """A proxy given to the build's containers whose host name the containers cannot resolve:
    the name resolves where the client runs, not on the daemon's network (its containers use
    the daemon's resolver)."""
    proxies = {m.group("host").lower() for line in lines
               for m in _BUILD_PROXY.finditer(line.text) if not _IP.match(m.group("host"))}
    if not proxies:
        return
    for line in lines:
        text = line.text.lower()
        host = next((h for h in proxies if h in text), None)
        if host is None or not _RESOLVE_FAILED.search(line.text) or _BUILD_PROXY.search(
                line.text):
            continue
        _add(candidates, catalog, "proxy-not-propagated", line,
             "the build's proxy does not resolve inside its containers",
             f"the build was given the proxy {host}, and its containers cannot resolve that "
             "name: it resolves where the client runs, not on the daemon's network; give the "
             "proxy by an address or a name the daemon's DNS knows")
        return


# the classic builder's RUN step starts its container (`` ---> Running in <id>``) and prints
# the command's output bare, until the step's result, the next step or the job's next command
_CLASSIC_RUN = re.compile(r"^(?:.*\| )?\s*---> Running in [0-9a-f]+\s*$")
_CLASSIC_RUN_END = re.compile(r"^(?:.*\| )?(?:\s*---> [0-9a-f]+\s*$|Removing intermediate "
                              r"container |Step \d+(?:/\d+)? : |Successfully built |\$ )")


def _build_step_outside_name(candidates: dict[str, Candidate], lines: list[LogLine],
                             catalog: Catalog) -> None:
    """A RUN step of a build on the dind service cannot resolve a host outside (a package
    mirror, a registry): the nested containers' DNS, when no other mode named the lookup."""
    if any(mode in candidates for mode in (*_NAMED_LOOKUP, "buildkit-default-network")):
        return
    if _first(lines, _DIND_SERVICE) is None:
        return
    in_run = False  # inside the output of a classic builder's RUN step (its lines are bare)
    for line in lines:
        if _CLASSIC_RUN.match(line.text):
            in_run = True
        elif _CLASSIC_RUN_END.match(line.text):
            in_run = False
        in_step = in_run or _BUILD_STEP.match(line.text) is not None
        found = _OUTSIDE_UNRESOLVED.search(line.text) if in_step else None
        if found and not _IP.match(found.group("name")):
            _add(candidates, catalog, "nested-dns", line,
                 "a build step on the dind service cannot resolve a host outside",
                 f"{found.group('name')} is a host outside, and the build runs on the dind "
                 "service: the nested containers' DNS (the service's resolv.conf, Docker's "
                 "embedded DNS) fails; check the proxy if the daemon needs one")
            return


# a connection that opened and then stalled or was cut, in the words of pip/urllib3, curl, Go,
# Node/npm, Ruby, and a TLS handshake cut half-way (Node's socket, Python's SSLEOFError, git's
# GnuTLS): what large packets dropped on a smaller path look like (a refused or unanswered
# connect is not this)
_STALLED = re.compile(r"Read timed out|ReadTimeoutError|Connection reset by peer|SSL_ERROR_SYSCALL"
                      r"|TLS handshake timeout|ERR_SOCKET_TIMEOUT|ESOCKETTIMEDOUT"
                      r"|Net::ReadTimeout|Operation too slow\. Less than \d+ bytes/sec"
                      r"|Client network socket disconnected before secure TLS connection"
                      r"|EOF occurred in violation of protocol|gnutls_handshake\(\) failed",
                      re.IGNORECASE)
_STALL_MODES = ("mtu-mismatch", "proxy-not-propagated", "nested-dns", "buildkit-default-network")


def _build_step_stall(candidates: dict[str, Candidate], lines: list[LogLine],
                      catalog: Catalog) -> None:
    """A RUN step of a build on the dind service whose download stalls or is reset: packets
    from the inner bridge (MTU 1500) dropped on a smaller path, when nothing else named it."""
    if any(mode in candidates for mode in _STALL_MODES):
        return
    if _first(lines, _DIND_SERVICE) is None:
        return
    last_step = None
    for index, line in enumerate(lines):
        if _BUILD_STEP.match(line.text):
            last_step = index
        elif line.text.startswith("$ "):
            last_step = None  # the next command of the script: the build is over
        if last_step is not None and index - last_step <= 40 and _STALLED.search(line.text):
            _add(candidates, catalog, "mtu-mismatch", line,
                 "a download inside a build on the dind service stalled or was reset",
                 "the build runs on the dind service and its download stalled or was reset: "
                 "large packets from the inner bridge (MTU 1500) are dropped on a smaller path; "
                 "check the proxy if the MTU is right")
            return


# a TLS client's error on a server that answered in plain HTTP, with the URL cut off (BuildKit
# and buildx print it alone); on a Docker endpoint it is the daemon's, on a registry the
# registry's
_PLAIN_ANSWER = re.compile(r"server gave HTTP response to HTTPS client", re.IGNORECASE)
# the job pushes, pulls or builds an image named on a registry at host:port (not the daemon's
# 2375/2376), or configures a registry as insecure
_REGISTRY_COMMAND = re.compile(r"\b(?:docker(?:\s+buildx)?|podman|buildah|nerdctl)\s+(?:image\s+)?"
                               r"(?:push|pull|build|login)\b", re.IGNORECASE)
_REGISTRY_AT = re.compile(r"(?:^|[\s=])(?:[\w-]+\.)*[\w-]+:(?!237[56]\b)\d{2,5}/[\w.-]+")
_INSECURE_SETTING = re.compile(r"insecure-registr(?:y|ies)|\binsecure\s*=\s*true", re.IGNORECASE)
_DOCKER_API = re.compile(r"tcp://|:237[56]\b|/v1\.\d+/|error during connect|docker API",
                         re.IGNORECASE)


def _registry_plain_http(candidates: dict[str, Candidate], lines: list[LogLine],
                         catalog: Catalog) -> None:
    """A bare "server gave HTTP response to HTTPS client" in a log that pushes to (or pulls
    from) a registry at host:port, or sets it insecure: the daemon or builder that talks to
    the registry (dind, a buildx builder) was not told it serves plain HTTP."""
    claimed = {h.line.number for c in candidates.values() for h in c.hits}
    registry = any((_REGISTRY_COMMAND.search(line.text) and _REGISTRY_AT.search(line.text))
                   or _INSECURE_SETTING.search(line.text) for line in lines)
    if not registry:
        return
    for line in lines:
        if line.number in claimed or not _PLAIN_ANSWER.search(line.text) \
                or _DOCKER_API.search(line.text):
            continue
        _add(candidates, catalog, "inner-daemon-registry-trust", line,
             "a registry that answers in plain HTTP",
             "the job talks to a registry at host:port, and the client that pushed or pulled "
             "(the dind daemon, a buildx builder) spoke HTTPS to it: the registry is not in that "
             "daemon's or builder's insecure registries")
        return


# an MTU the job or the pod asks for: dockerd's --mtu, daemon.json's "mtu", the runner's
# network_mtu, a network's driver option, an environment variable meant to carry it
_MTU_SETTING = re.compile(r"(?:--mtu[= ]|\"mtu\"\s*:\s*|network_mtu\s*=\s*|driver\.mtu=|\b\w*MTU"
                          r"\s*(?:=|:)\s*)['\"]?(?P<mtu>\d{3,4})\b")
_MTU_VARIABLE = re.compile(r"\bname:\s*['\"]?\w*MTU['\"]?\s*$")
_MTU_VALUE = re.compile(r"^\s*value:\s*['\"]?(?P<mtu>\d{3,4})\b")
# or the outer interface's own MTU, as ``ip link`` or ``ifconfig`` shows it on one line
_OUTER_MTU = re.compile(r"^\s*(?:\d+:\s*)?(?:eth\d+|en[ops]\w+)(?:@\w+)?:?\s.*\bmtu[: ]"
                        r"(?P<mtu>\d{3,4})\b", re.IGNORECASE)
# Docker's bridge as ``ifconfig`` or ``ip link`` shows it
_BRIDGE = re.compile(r"^\s*(?:\d+:\s*)?(?P<name>docker0|br-[0-9a-f]{12})\b")
_FULL_MTU = re.compile(r"\bMTU[: ]1500\b", re.IGNORECASE)
BRIDGE_MTU = "Docker's bridge at MTU 1500 where a smaller MTU was asked for"


def _mtu_not_applied(candidates: dict[str, Candidate], lines: list[LogLine],
                     catalog: Catalog) -> None:
    """The job or the pod asks for an MTU below 1500 (or the outer interface has one), and
    Docker's bridge still shows 1500: the setting did not reach the daemon that made the bridge
    (a variable it does not read, a flag on another daemon), so its containers send packets too
    large for the path."""
    wanted = None
    for at, line in enumerate(lines):
        found = _MTU_SETTING.search(line.text) or _OUTER_MTU.search(line.text)
        if found is None and _MTU_VARIABLE.search(line.text) and at + 1 < len(lines):
            found = _MTU_VALUE.search(lines[at + 1].text)
        if found is not None and int(found.group("mtu")) < 1500:
            wanted = int(found.group("mtu"))
            break
    if wanted is None:
        return
    for at, line in enumerate(lines):
        bridge = _BRIDGE.search(line.text)
        shown = next((other for other in lines[at:at + 4] if _FULL_MTU.search(other.text)),
                     None) if bridge else None
        if bridge is not None and shown is not None:
            _add(candidates, catalog, "mtu-mismatch", shown, BRIDGE_MTU,
                 f"the path's MTU is {wanted}, but {bridge.group('name')} still has MTU "
                 "1500: a smaller MTU setting did not reach the daemon that created the "
                 "bridge, so its containers send packets too large for the path")
            return


_STALLED_URL = re.compile(r"https?://(?P<host>[\w-]+(?:\.[\w-]+)+)")
_PING_REPLY = re.compile(r"^\d+ bytes from (?P<host>[\w-]+(?:\.[\w-]+)+)[ :]")
# a shell inside a container (its host name is the container id) or a build on a daemon
_IN_CONTAINER = re.compile(r"\broot@[0-9a-f]{12}\b|^(?:Step \d+/\d+ : RUN |#\d+ \[[^\]]*\] RUN )")


def _ping_passes_download_stalls(candidates: dict[str, Candidate], lines: list[LogLine],
                                 catalog: Catalog) -> None:
    """Inside a container, a download from a host stalls while ping of the same host gets its
    replies: small packets pass and full-size ones are dropped, the container's MTU (1500 on
    Docker's bridge) is larger than the path's."""
    if any(mode in candidates for mode in _STALL_MODES) or _first(lines, _IN_CONTAINER) is None:
        return
    pinged = {m.group("host").lower() for line in lines
              for m in [_PING_REPLY.match(line.text.strip())] if m}
    for line in lines:
        url = _STALLED_URL.search(line.text) if _STALLED.search(line.text) else None
        if url is not None and url.group("host").lower() in pinged:
            _add(candidates, catalog, "mtu-mismatch", line,
                 "a download stalls while ping of the same host passes",
                 f"ping of {url.group('host')} gets its replies but the download from it "
                 "stalls: small packets pass and full-size ones are dropped, the container's "
                 "MTU is larger than the path's")
            return


# the docker image's channel aliases (``stable``, ``test`` and their -dind/-git variants) were
# limited to 19.03 (docker-library/docker#179) and stopped moving at 19.03.14 when 20.10 came
_CHANNEL_TAG = re.compile(r"\bdocker:(?P<tag>(?:stable|test)(?:-dind(?:-rootless)?|-git)?)"
                          r"(?![\w.-])")
_FROZEN_VERSION = re.compile(r"^\s*Version:\s+19\.03\.1[45]\b|\bDocker version 19\.03\.1[45],")


def _frozen_channel_tag(candidates: dict[str, Candidate], lines: list[LogLine],
                        catalog: Catalog) -> None:
    """``docker:stable`` (or ``stable-dind``, ``test``) runs Docker 19.03.14: the channel alias
    no longer follows releases, the job runs a years-old client or daemon."""
    tag = next((m for line in lines for m in [_CHANNEL_TAG.search(line.text)] if m), None)
    shown = _first(lines, _FROZEN_VERSION) if tag is not None else None
    if tag is None or shown is None:
        return
    _add(candidates, catalog, "floating-tag-breakage", shown,
         "a channel alias of the docker image that stopped at 19.03",
         f"docker:{tag.group('tag')} runs Docker 19.03: the image's channel aliases stopped "
         "moving at 19.03.14 (docker-library/docker#179), so the tag looks maintained but "
         "pins a years-old Docker; pin a current version instead")


# docker-py (and Compose v1, Ansible ...) connecting to the unix socket, and the exception the
# frame raised a line or two below (the frame's source line may sit between)
_UNIXCONN_FRAME = re.compile(r"docker[/\\]transport[/\\]unixconn\.py\"?, line \d+, in connect\b")
_SOCKET_DENIED = re.compile(r"^\s*(?:PermissionError|socket\.error|OSError|error): \[Errno 13\] "
                            r"Permission denied"
                            r"|\b(?:PermissionError|error)\(13, 'Permission denied'\)")


def _python_socket_denied(candidates: dict[str, Candidate], lines: list[LogLine],
                          catalog: Catalog) -> None:
    """docker-py could not open the daemon's unix socket: permission denied (the runner or
    login user is not in the docker group yet, or the socket is another user's)."""
    for at, line in enumerate(lines):
        if not _UNIXCONN_FRAME.search(line.text):
            continue
        denied = next((after for after in lines[at + 1:at + 4]
                       if _SOCKET_DENIED.search(after.text)), None)
        if denied is not None:
            _add(candidates, catalog, "shell-executor-specifics", denied,
                 "docker-py was denied the Docker socket",
                 "docker-py's unix-socket transport raised Permission denied: the user running "
                 "the job may not open /var/run/docker.sock (not in the docker group, or a "
                 "group change that needs a new login)")
            candidates["shell-executor-specifics"].node_id = "host-daemon"
            return


_ROOTLESS_SOCKET = re.compile(r"/run/user/\d+/docker\.sock|dockerd-rootless|dind-rootless"
                              r"|rootlesskit", re.IGNORECASE)
_FINAL_CHILD = re.compile(r"final child's pid from pipe", re.IGNORECASE)
# runc could not create the container's cgroup: a rootless daemon on cgroup v1 (or without a
# delegated cgroup v2 subtree) may not write the hierarchy
_CGROUP_DENIED = re.compile(r"mkdir /sys/fs/cgroup/\S*: permission denied|applying cgroup "
                            r"configuration for process caused: .*permission denied",
                            re.IGNORECASE)


# runc could not mount sysfs for the container (runc 1.0: 'mounting "sysfs" to rootfs at "/sys"
# caused: operation not permitted'; runc 1.1+: 'error mounting "sysfs" to rootfs at "/sys": mount
# sysfs:/sys (via /proc/self/fd/N), flags: 0xf: operation not permitted')
_SYSFS_DENIED = re.compile(r"mounting \\?\"sysfs\\?\" to rootfs at \\?\"/sys\\?\".*?"
                           r"operation not permitted", re.IGNORECASE)


def _rootless_runtime(candidates: dict[str, Candidate], lines: list[LogLine],
                      catalog: Catalog) -> None:
    """runc could not start the container's init (the user namespace it needs was refused)
    under a rootless daemon."""
    if _first(lines, _ROOTLESS_SOCKET) is None:
        return
    failed = _first(lines, _FINAL_CHILD)
    if failed is not None:
        _add(candidates, catalog, "rootless-dind", failed,
             "runc's init failed under a rootless daemon",
             "the daemon is rootless, and runc could not start the container's init (final "
             "child's PID: EOF): the host refused the nested user namespace or its mounts")
        return
    sysfs = _first(lines, _SYSFS_DENIED)
    if sysfs is not None:
        # the same line names dind-rootless-mode's advice; here the job failed on it
        held = candidates.get("dind-rootless-mode")
        _add(candidates, catalog, "rootless-dind", sysfs,
             "runc may not mount sysfs under a rootless daemon",
             "the daemon is rootless, and runc was denied mounting sysfs for the container: "
             "in a rootless dind the containers' mounts are limited by its user namespace, so "
             "this workload needs the rootful docker:dind",
             score=max(RULE_SCORE, held.score + 1 if held is not None else 0.0))
        return
    denied = _first(lines, _CGROUP_DENIED)
    if denied is not None:
        _add(candidates, catalog, "rootless-dind", denied,
             "runc may not create cgroups under a rootless daemon",
             "the daemon is rootless, and runc was denied the container's cgroup: a rootless "
             "daemon cannot manage cgroup v1 (or an undelegated cgroup v2 subtree), so resource "
             "limits and --privileged containers fail inside it")


_DRIVER_FROM_ENV = re.compile(r"Setting the storage driver from the \$DOCKER_DRIVER environment "
                              r"variable \((?P<driver>overlay2?|aufs|devicemapper|btrfs|zfs)\)")
_SNAPSHOTTER_ON = re.compile(r"containerd snapshotter integration enabled|"
                             r"containerd-snapshotter=true")


def _driver_on_snapshotter(candidates: dict[str, Candidate], lines: list[LogLine],
                           catalog: Catalog) -> None:
    """dind took a graph driver from the job's ``DOCKER_DRIVER`` while the containerd image
    store is on: the store has no such snapshotter (failure-modes §28, §17)."""
    forced = _first(lines, _DRIVER_FROM_ENV)
    if forced is None or _first(lines, _SNAPSHOTTER_ON) is None:
        return
    _add(candidates, catalog, "overlay-on-overlay", forced,
         "a graph driver forced by DOCKER_DRIVER with the containerd image store on",
         "the job's DOCKER_DRIVER reached the dind service and names a graph driver, but the "
         "daemon runs the containerd image store, whose snapshotters have other names: unset "
         "DOCKER_DRIVER (or disable the containerd snapshotter)")


# a Docker endpoint the job's client uses: DOCKER_HOST or -H/--host with tcp://, or any
# tcp:// URL on the daemon's ports
_ENDPOINT = re.compile(r"(?:DOCKER_HOST\s*(?:=|:|\s)\s*['\"]?|(?:^|\s)(?:-H|--host)[= ]['\"]?)"
                       r"tcp://(?P<host>[\w.\[\]:-]+?):(?P<port>\d+)\b"
                       r"|(?P<url>tcp|https?)://(?P<uhost>[\w.\[\]-]+):(?P<uport>237[56])\b"
                       # the CLI's -H without a scheme (``-H=10.0.0.5:2376``)
                       r"|(?:^|\s)(?:-H|--host)[= ]['\"]?(?P<bhost>[\w.-]+):(?P<bport>237[56])\b",
                       re.IGNORECASE)
# a Docker client library in a stack trace or traceback (docker-java, also shaded inside
# Testcontainers, spotify's docker-client, fabric8's docker-maven-plugin, TeamCity's Docker
# cloud, docker-py and compose v1, the Gradle Docker plugin): the connection that failed is the
# one to the daemon
_DOCKER_CLIENT = re.compile(r"\bcom\.github\.dockerjava\.|\bcom\.spotify\.docker\.client\."
                            r"|\bio\.fabric8\.maven\.docker\.|\.cloud\.docker\.client\."
                            r"|site-packages[/\\](?:docker|compose)[/\\]|\bdocker\.errors\.\w+"
                            r"|\bdocker\.tls\.TLSConfig\b"
                            # docker-py's client built in the session or script shown
                            r"|\bdocker\.(?:from_env|DockerClient|APIClient|Client)\("
                            r"|\bfrom docker import (?:Client|APIClient|DockerClient)\b"
                            r"|\bkwargs_from_env\(|Error while fetching server API version: "
                            # dockerode / docker-modem frames (Node)
                            r"|node_modules[/\\](?:dockerode|docker-modem)[/\\]"
                            # a request to the Engine API by its paths (not a registry's /v1/_ping)
                            r"|\b(?:GET|POST|HEAD) (?:/v1\.\d\d)?/(?:containers|images)/json\b"
                            r"|\b(?:GET|POST|HEAD) /v1\.\d\d/\w"
                            # Uptime Kuma's Docker-host client (axios on the Docker API), by
                            # the module tag of its log
                            r"|\[DOCKER\] (?:ERROR|WARN): AxiosError\b"
                            # the Gradle Docker plugin's (bmuschko) build task
                            r"|^Building image (?:from folder|using context) '")
_TLS_ON = re.compile(r"DOCKER_TLS_VERIFY\s*(?:=|:)\s*['\"]?1|--tlsverify\b", re.IGNORECASE)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1"}
# what other clients print, in their own words, for each failure on a Docker endpoint; each
# alone is any HTTPS/TCP client's error (a registry, a package index, a test's own server)
_TLS_TO_PLAIN = re.compile(r"Unrecognized SSL message, plaintext connection\?"
                           r"|Unsupported or unrecognized SSL message"
                           r"|SSL routines:[\w:]*:wrong version number"
                           # pyOpenSSL's error queue: [('SSL routines', 'ssl3_get_record', ...)]
                           r"|'SSL routines', '\w*', 'wrong version number'", re.IGNORECASE)
_PLAIN_TO_TLS = re.compile(r"Unexpected end of file from server"
                           r"|The server failed to respond with a valid HTTP response"
                           # Python's http.client on the TLS alert a Go server answers with
                           r"|\bBadStatusLine\b", re.IGNORECASE)
_NAME_MISMATCH = re.compile(r"no appropriate commonName or subjectAltName fields were found"
                            r"|hostname '[^']+' doesn't match (?:either of )?'"
                            # Java: OkHttp, Apache HttpClient's hostname verifiers
                            r"|SSLPeerUnverifiedException: Hostname \S+ not verified"
                            r"|does not match the certificate subject provided by the peer"
                            r"|No subject alternative (?:DNS name|names) matching \S+"
                            r"|doesn't match any of the subject alternative names"
                            r"|certificate relies on legacy Common Name field"
                            r"|(?:Hostname|IP address) mismatch, certificate is not valid for",
                            re.IGNORECASE)
_UNKNOWN_CA = re.compile(r"unable to verify the first certificate"
                         r"|self[- ]signed certificate in certificate chain"
                         r"|unable to get (?:local )?issuer certificate|UNABLE_TO_GET_ISSUER_CERT\b"
                         r"|unable to find valid certification path to requested target"
                         # Node's error codes (axios, dockerode), and OpenSSL 3's wording
                         r"|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT"
                         r"|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
                         r"|\bself[- ]signed certificate\b",
                         re.IGNORECASE)
# Node's HTTP parser on a TLS alert (a plain-HTTP client on the TLS port), and OpenSSL's bare
# verification failure (Python before 3.7, pyOpenSSL: an untrusted chain unless it names
# another reason): even less telling than the errors above (any non-HTTP answer, any failed
# verification), they count only when the output of their own command names Docker nearby
# (:func:`_names_docker_nearby`), so an application's request to a web site in a job that
# also sets DOCKER_HOST stays its own failure
_NODE_PARSE = re.compile(r"\bHPE_INVALID_CONSTANT\b|\bParse Error: Expected HTTP/")
_VERIFY_FAILED = re.compile(r"certificate verify failed(?!: (?:certificate (?:has expired|is not "
                            r"yet valid)|Hostname mismatch|IP address mismatch))", re.IGNORECASE)
_NEAR_DOCKER = (_NODE_PARSE, _VERIFY_FAILED)
# Docker named in a line (a client library, a frame, a call, the command), not only in a
# DOCKER_* variable
_DOCKER_WORD = re.compile(r"(?i:\bdocker(?!_))|[a-z]Docker")
_NEAR_BEFORE, _NEAR_AFTER = 25, 40
# the daemon refused the client's certificate (Java's and OpenSSL's words for Go's "remote
# error: tls: bad certificate"); on a dind endpoint, certificates another dind issued
_CLIENT_REJECTED = re.compile(r"Received fatal alert: bad_certificate|alert bad certificate",
                              re.IGNORECASE)
# the daemon asked for a client certificate and got none: the client has no certificate files
_NO_CLIENT_CERT = re.compile(r"Received fatal alert: certificate_required"
                             r"|alert certificate required"
                             r"|tls: client didn't provide a certificate", re.IGNORECASE)
# urllib3 (docker-py, compose v1) connecting without verifying the server certificate
# (urllib3 1.26+ names the host: it must then be the daemon's)
_UNVERIFIED = re.compile(r"InsecureRequestWarning: Unverified HTTPS request is being made"
                         r"(?: to host '(?P<host>[^']+)')?", re.IGNORECASE)
_CLOCK = re.compile(r"certificate is not yet valid|CertificateNotYetValidException"
                    r"|CERT_NOT_YET_VALID|certificate has expired|CertificateExpiredException"
                    r"|CERT_HAS_EXPIRED", re.IGNORECASE)
# a line about another server: a package index, a registry, a download
_OTHER_SERVER = re.compile(r"npm ERR!|npm error|\bpip\b|yarn|repo\.maven|gradle\.org|registry"
                           r"|Could not (?:transfer|resolve|download)"
                           r"|/v2/|docker\.io|https?://(?![\w.-]+:237[56]\b)|curl|wget"
                           r"|SSL certificate problem|fatal: unable to access"
                           # Python's urllib (no Docker client library uses it)
                           r"|urlopen error|urllib\.error\."
                           # Python's requests, and pip's retries, name the server they tried
                           r"|ConnectionPool\(host='[^']+', port=(?!237[56]\))\d+\)"
                           r"|after connection broken by .*': /(?!v\d|_ping\b|version\b|info\b)",
                           re.IGNORECASE)
# docker-py's own message for a daemon it could not query, on any host and port (its
# ``HTTPSConnectionPool(host=..., port=...)`` is then the daemon's)
_DOCKER_API_ERROR = re.compile(r"Error while fetching server API version: ", re.IGNORECASE)
# a URL of a server other than a Docker endpoint, in the command that failed
_URL_NOT_DOCKER = re.compile(r"\bhttps?://(?![\w.-]+:237[56]\b)[\w.-]+", re.IGNORECASE)
_DOCKER_COMMAND = re.compile(r"\s*(?:sudo\s+)?docker(?:-compose)?\b")
# a line of Gradle's chain of causes ("   > ..."): the server is named a few lines above
_CAUSE = re.compile(r"^\s*> ")
# localhost:5432, localhost/127.0.0.1:5432, localhost port 5432, "localhost" (127.0.0.1), port 5432
# and Python's urllib3/requests: HTTPConnectionPool(host='localhost', port=8080)
_LOCAL_AT = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\]|(?<=\s)::1)(?:/127\.0\.0\.1)?\"?"
                       r"(?: \(127\.0\.0\.1\))?(?::|,? port )(?P<port>\d{2,5})\b"
                       r"|host='(?:localhost|127\.0\.0\.1)', port=(?P<pyport>\d{2,5})\b",
                       re.IGNORECASE)
# the job runs containers that publish ports (or lets a library do it)
_PUBLISHES = re.compile(r"\bdocker(?:-compose| compose)? (?:run|up|create|start)\b"
                        r"|\s(?:-p|--publish)[ =]?\S*\d|testcontainers", re.IGNORECASE)


def _endpoints(lines: list[LogLine]) -> list[tuple[str, int]]:
    found = []
    for line in lines:
        for m in _ENDPOINT.finditer(line.text):
            host = m.group("host") or m.group("uhost") or m.group("bhost")
            port = m.group("port") or m.group("uport") or m.group("bport")
            found.append((host.lower(), int(port)))
    return found


def _generic_on_endpoint(candidates: dict[str, Candidate], every: list[LogLine],
                         lines: list[LogLine], catalog: Catalog) -> None:
    """A generic client error names a DinD mode when the same log shows the Docker endpoint
    the client talks to: the port (2375 plain, 2376 TLS) says which side of TLS is wrong."""
    endpoints = _endpoints(every)
    library = None if endpoints else _first(every, _DOCKER_CLIENT)
    # DOCKER_TLS_VERIFY=1 / --tlsverify: the job set up a Docker client for TLS
    if not endpoints and library is None and _first(every, _TLS_ON) is None:
        return
    shown = f"tcp://{endpoints[0][0]}:{endpoints[0][1]}" if endpoints else "the daemon's address"
    tls = any(port == 2376 for _, port in endpoints) or _first(every, _TLS_ON) is not None
    # a certificate error that a Docker client library raised is TLS to the daemon
    checked = tls or library is not None
    remote = [host for host, _ in endpoints if host not in _LOCAL_HOSTS]
    verify = _first(every, _TLS_ON) is not None
    rules = [(_TLS_TO_PLAIN, True, "daemon-plain-client-expects-tls",
              "a TLS client's error on a plain-text answer",
              f"the client speaks TLS to the Docker endpoint ({shown}), and the daemon answered "
              "in plain HTTP: it listens without TLS (or TLS is on in the client only)"),
             (_PLAIN_TO_TLS, tls, "client-plain-http-to-tls-port",
              "a plain-HTTP client's error on a TLS port",
              f"the Docker endpoint is a TLS one ({shown}), and the client spoke plain HTTP to "
              "it: the daemon closed the connection without an HTTP answer"),
             (_NAME_MISMATCH, checked, "tls-san-mismatch-custom-alias",
              "a certificate name mismatch",
              f"the client checks the daemon's certificate on {shown}: the name it connects to "
              "is not one the certificate was issued for"),
             (_UNKNOWN_CA, checked, "tls-unknown-authority",
              "a certificate of an unknown authority",
              f"the client checks the daemon's certificate on {shown} against a CA that did not "
              "sign it (another run's or another service's certificates)"),
             (_NODE_PARSE, tls, "client-plain-http-to-tls-port",
              "a plain-HTTP client's error on a TLS port",
              f"the Docker endpoint is a TLS one ({shown}), and the client spoke plain HTTP to "
              "it: the daemon answered with a TLS alert, not HTTP"),
             (_VERIFY_FAILED, checked, "tls-unknown-authority",
              "a certificate that did not verify",
              f"the client checks the daemon's certificate on {shown} against a CA that did not "
              "sign it (another run's or another service's certificates)"),
             (_CLIENT_REJECTED, checked, "certs-shared-stale-or-concurrent",
              "the daemon refused the client certificate",
              f"the daemon on {shown} refused the client's certificate: it did not issue it "
              "(certificates another or an earlier dind wrote), or none was sent"),
             (_NO_CLIENT_CERT, checked, "certs-client-not-shared",
              "the daemon asked for a client certificate the client did not send",
              f"the daemon on {shown} requires a client certificate and the client sent none: "
              "it has no cert.pem/key.pem (the directory dind wrote them to is not shared)"),
             (_UNVERIFIED, verify, "client-tls-env-semantics",
              "a client that does not verify the daemon's certificate despite DOCKER_TLS_VERIFY",
              f"the job asks for TLS verification (DOCKER_TLS_VERIFY) on {shown}, but the client "
              "connects without verifying the daemon's certificate: it does not read the "
              "variable the way the docker CLI does"),
             (_CLOCK, checked, "clock-skew-cert-validity", "a certificate not valid yet",
              f"the client checks the daemon's certificate on {shown}: its validity starts "
              "after the client's clock (a clock behind, or certificates from the future)")]
    index: dict[int, int] = {}  # a line's place in ``lines``, filled when first needed
    for pattern, applies, mode, what, reason in rules:
        if not applies or (mode in candidates and candidates[mode].specific):
            continue
        line = next((line for line in lines if pattern.search(line.text)
                     # urllib3's warning names its own documentation, not the server
                     and (_unverified_daemon(line, endpoints) if pattern is _UNVERIFIED
                          else not _about_other_server(line, lines)
                          and (pattern not in _NEAR_DOCKER
                               or _names_docker_nearby(line, lines, index)))
                     and not _BUILD_STEP.match(line.text)), None)
        if line is not None:
            _add(candidates, catalog, mode, line, what, reason)
    if not remote or _named(candidates, "published-port-localhost") \
            or _first(every, _PUBLISHES) is None:
        return
    for line, port in _local_refusals(lines):
        if int(port) not in (2375, 2376):
            _add(candidates, catalog, "published-port-localhost", line,
                 "connection refused on localhost with a remote Docker endpoint",
                 f"the daemon is {shown}, not this container: a port a container published "
                 f"there ({port}) is on that host, not on localhost")
            return


# a refusal that names no address of its own (Java's "java.net.ConnectException: Connection
# refused" under the client's "Opening socket connection to server localhost/127.0.0.1:2181")
_BARE_REFUSAL = re.compile(r"^(?!.*:\d{2,5}\b).*(?:connection refused|ECONNREFUSED)",
                           re.IGNORECASE)


def _local_refusals(lines: list[LogLine]) -> Iterator[tuple[LogLine, str]]:
    """Refusals on localhost with the port: on the same line, or a refusal without an address
    of its own on one of the next three lines after the client named localhost and the port."""
    for at, line in enumerate(lines):
        found = _LOCAL_AT.search(line.text)
        port = found and (found.group("port") or found.group("pyport"))
        if not port:
            continue
        if _REFUSED.search(line.text):
            yield line, port
            continue
        later = next((other for other in lines[at + 1:at + 4]
                      if _BARE_REFUSAL.search(other.text)), None)
        if later is not None:
            yield later, port


def _published_on_service(candidates: dict[str, Candidate], every: list[LogLine],
                          lines: list[LogLine], catalog: Catalog) -> None:
    """The same refusal on localhost when the log names no endpoint but starts a dind service
    (``services: docker:dind``): the containers the job runs publish their ports there."""
    if _named(candidates, "published-port-localhost") or _endpoints(every) \
            or _first(every, _DIND_SERVICE) is None or _first(every, _PUBLISHES) is None:
        return
    for line, port in _local_refusals(lines):
        if int(port) not in (2375, 2376):
            _add(candidates, catalog, "published-port-localhost", line,
                 "connection refused on localhost with a dind service",
                 "the job's containers run on the dind service: a port they published "
                 f"({port}) is on the service (its alias), not on localhost")
            return


# a proxy answered instead of the server: curl's CONNECT refused, Go's proxied dial
_PROXY_ANSWERED = re.compile(r"Received HTTP code \d+ from proxy after CONNECT"
                             r"|CONNECT tunnel failed, response \d+|\bproxyconnect tcp: ",
                             re.IGNORECASE)
_DOCKER_PORT = re.compile(r"(?:tcp|https?)://[\w.\[\]-]+:237[56]\b", re.IGNORECASE)


def _proxy_on_endpoint(candidates: dict[str, Candidate], lines: list[LogLine],
                       catalog: Catalog) -> None:
    """A request to the daemon's port (``curl https://docker:2376/version``) that a proxy
    answered: the client's proxy settings catch the daemon's address (NO_PROXY misses it)."""
    if "proxy-not-propagated" in candidates:
        return
    for line in lines:
        if _PROXY_ANSWERED.search(line.text) and (_DOCKER_PORT.search(line.text)
                                                   or _DOCKER_PORT.search(line.command)):
            _add(candidates, catalog, "proxy-not-propagated", line,
                 "a proxy answered a request to the Docker daemon's port",
                 "the request to the daemon went to the HTTP proxy, which cannot reach it: "
                 "add the daemon's host (docker, its address) to NO_PROXY")
            return


def _unverified_daemon(line: LogLine, endpoints: list[tuple[str, int]]) -> bool:
    """urllib3's unverified-request warning is about the daemon: it names no host, or one of
    the Docker endpoints'."""
    found = _UNVERIFIED.search(line.text)
    host = found.group("host") if found else None
    return host is None or host.lower() in {h for h, _ in endpoints}


def _names_docker_nearby(line: LogLine, lines: list[LogLine], index: dict[int, int]) -> bool:
    """The output around ``line`` of the same command (its traceback, its stack, the session
    that made the client) names Docker: the error is a Docker client's."""
    if not index:
        index.update((id(other), i) for i, other in enumerate(lines))
    at = index[id(line)]
    near = lines[max(0, at - _NEAR_BEFORE):at + 1 + _NEAR_AFTER]
    return _DOCKER_WORD.search(line.command) is not None or any(
        _DOCKER_WORD.search(other.text) for other in near
        if other.command_index == line.command_index)


def _about_other_server(line: LogLine, lines: list[LogLine]) -> bool:
    """The line, or the chain of causes it ends (Gradle's ``> Could not GET 'https://...'``
    above ``> PKIX path building failed``), is about another server than the Docker one."""
    if _OTHER_SERVER.search(line.text):
        return _DOCKER_API_ERROR.search(line.text) is None
    if _URL_NOT_DOCKER.search(line.command) and not _DOCKER_COMMAND.match(line.command):
        return True  # the command itself asked that server (``python fetch.py https://...``)
    if not _CAUSE.match(line.text):
        return False
    at = next(i for i, other in enumerate(lines) if other is line)
    for above in reversed(lines[:at]):
        if not _CAUSE.match(above.text):
            return False
        if _OTHER_SERVER.search(above.text):
            return True
    return False


def _first(lines: list[LogLine], pattern: re.Pattern[str]) -> LogLine | None:
    """The first line that ``pattern`` finds something in (``search``), else ``None``."""
    return next((line for line in lines if pattern.search(line.text)), None)


def _named(candidates: dict[str, Candidate], mode: str) -> bool:
    """A symptom that names ``mode`` on its own matched (not only a weak one)."""
    return mode in candidates and candidates[mode].specific


def _add(candidates: dict[str, Candidate], catalog: Catalog, mode: str, line: LogLine,
         what: str, reason: str, score: float = RULE_SCORE) -> None:
    if mode not in catalog:
        return
    candidate = candidates.setdefault(mode, Candidate(catalog[mode]))
    candidate.hits.append(Hit(line, Symptom(what), score))
    if reason not in candidate.reasons:
        candidate.reasons.append(reason)


# a shell opened in a container of the daemon (``docker run -it alpine sh``), or its prompt
_SHELL_IN_CONTAINER = re.compile(r"\bdocker\s+(?:container\s+)?(?:run|exec)\s.*\s(?:/bin/)?"
                                 r"(?:sh|bash|ash)\s*$|\b[\w.-]+@[0-9a-f]{12}:")


def _stalled_download(candidates: dict[str, Candidate], lines: list[LogLine],
                      catalog: Catalog) -> None:
    texts = [line for line in lines if line.text.strip()]
    while texts and _JOB_END.match(texts[-1].text.strip()) and not _TIMED_OUT.search(
            texts[-1].text):
        texts.pop()
    if texts and (_TIMED_OUT.search(texts[-1].text) or _INTERRUPTED.match(texts[-1].text.strip())):
        texts.pop()
    if not texts or not _DOWNLOAD_START.search(texts[-1].text):
        return
    recent = texts[-40:]
    if any(_BUILD_STEP.match(line.text) for line in recent):
        where = "docker build"
    elif any(_SHELL_IN_CONTAINER.search(line.text) for line in recent):
        where = "a container's shell"
    else:
        return
    _add(candidates, catalog, "mtu-mismatch", texts[-1],
         f"a download inside {where} that never finished",
         f"the log ends on a download inside {where} that never finished: large packets "
         "from the inner bridge (MTU 1500) are dropped on a smaller path; check the proxy and "
         "DNS inside dind if the MTU is right")


# kubectl's refusal ("The connection to the server localhost:32771 was refused - did you
# specify the right host or port?"): kind publishes a cluster's API server at a random port
_KUBECTL_REFUSED = re.compile(r"\bThe connection to the server \S+ was refused\b",
                              re.IGNORECASE)


def _ephemeral_port_refused(candidates: dict[str, Candidate], lines: list[LogLine],
                            catalog: Catalog) -> None:
    for line in lines:
        refused = _REFUSED.search(line.text) or _KUBECTL_REFUSED.search(line.text)
        found = _LOCAL_PORT.search(line.text) if refused else None
        port = found and (found.group("port") or found.group("pyport"))
        if port and int(port) in _EPHEMERAL:
            _add(candidates, catalog, "published-port-localhost", line,
                 "connection refused on localhost at an ephemeral port",
                 f"port {port} is in Docker's range for published ports: a "
                 "container inside dind published it on the dind service, not on localhost")
            return


def _bind_mount_missing(candidates: dict[str, Candidate], lines: list[LogLine],
                        catalog: Catalog) -> None:
    targets = {dst.rstrip("/") for line in lines for m in _MOUNT.finditer(line.text)
               for dst in [m.group("dst") or m.group("target")] if dst and dst != "/"}
    if not targets:
        return
    for line in lines:
        paths = [m.group("path") for m in _MISSING.finditer(line.text)]
        if not paths and _NOT_FOUND.search(line.text) and not _MOUNT.search(line.text):
            paths = [m.group("path") for m in _PATH.finditer(line.text)]
        for path in paths:
            target = next((t for t in targets if path == t or path.startswith(t + "/")), None)
            if target is not None:
                _add(candidates, catalog, "bind-mount-path-not-in-dind", line,
                     "a path under a bind-mount target is missing",
                     f"{path} sits under the bind-mount target {target}: the daemon (dind) "
                     "mounted the source from its own file system, where it is empty")
                return


def _outside_name(candidates: dict[str, Candidate], lines: list[LogLine],
                  catalog: Catalog) -> None:
    """A failed lookup of ``auth.docker.io`` is not about the service alias: DNS inside dind
    (Docker's embedded resolver) or a daemon that needs a proxy to reach outside names."""
    outside: dict[int, re.Match[str]] = {}
    for line in lines:
        found = _LOOKUP.search(line.text)
        if found and "." in found.group("name") and not _IP.match(found.group("name")) \
                and _BY_DAEMON.search(line.text):
            outside[line.number] = found
            name, ip = found.group("name"), found.group("ip")
            if ip == "127.0.0.11":
                _add(candidates, catalog, "nested-dns", line, "lookup <host outside> failed",
                     f"{name} is a host outside, not a service alias, and the resolver is "
                     "Docker's embedded DNS (127.0.0.11): DNS inside the nested containers "
                     "fails")
            else:
                _add(candidates, catalog, "proxy-not-propagated", line,
                     "lookup <host outside> failed",
                     f"{name} is a host outside, not a service alias: the daemon cannot resolve "
                     "it directly (a proxy the inner daemon does not use, or no outside DNS)")
    alias = candidates.get("alias-unresolvable")
    if alias is not None and outside:
        alias.hits = [h for h in alias.hits if h.line.number not in outside]
        if not alias.hits:
            del candidates["alias-unresolvable"]


_NAMED_LOOKUP = ("alias-unresolvable", "gitlab-saas-runner-specifics", "k8s-executor-wiring",
                 "nested-dns", "proxy-not-propagated")


def _alias_lookup(candidates: dict[str, Candidate], lines: list[LogLine],
                  catalog: Catalog) -> None:
    """A failed lookup of a one-label name (``dind``, ``lordgaav__dind-options``) is a service
    alias, whatever it is called, when no symptom already named the lookup."""
    if any(mode in candidates for mode in _NAMED_LOOKUP):
        return
    for line in lines:
        found = _LOOKUP.search(line.text) or _UNRESOLVED.search(line.text)
        if found and "." not in found.group("name") and found.group("name") != "localhost" \
                and not KUBE_CLIENT.search(line.text):
            _add(candidates, catalog, "alias-unresolvable", line, "lookup <service alias> failed",
                 f"{found.group('name')} is a one-label name, a service alias: the service is "
                 "missing, named differently, or exited")
            return


# GitLab Runner's Kubernetes executor: a service container of the build pod ended
# (executors/kubernetes podContainerError) and the runner waited for a Docker port through the
# helper's health check (commands/helpers/health_check.go) or the job spoke to one
_K8S_SERVICE_EXITED = re.compile(r"\bError in container (?P<name>svc-\d+): exit code: "
                                 r"(?P<code>\d+), reason: '(?P<reason>\w+)'")
_DOCKER_PORT_WAIT = re.compile(r"^waiting for TCP connection to \S+ on \[[\d ]*\b237[56]\b"
                               r"|\bdialing \S+:237[56]\.\.\.")


def _k8s_service_exited(candidates: dict[str, Candidate], lines: list[LogLine],
                        catalog: Catalog) -> None:
    exited = next((found for line in lines
                   for found in [_K8S_SERVICE_EXITED.search(line.text)]
                   if found and found.group("reason") != "OOMKilled"), None)
    if exited is None:
        return
    line = next(line for line in lines if exited.group(0) in line.text)
    if not (_first(lines, _DOCKER_PORT_WAIT) or any(_ENDPOINT.search(x.text) for x in lines)):
        return
    _add(candidates, catalog, "service-healthcheck-timeout", line,
         "a service container of the build pod exited",
         f"the service container {exited.group('name')} of the build pod exited with code "
         f"{exited.group('code')} while the job waited for or used the Docker daemon on port "
         "2375/2376: dockerd died at start-up; its own log (kubectl logs -c "
         f"{exited.group('name')}, or CI_DEBUG_SERVICES) names the cause",
         # the daemon's own end outranks a client's failed connection to it, as a service
         # log does (matcher.SERVICE_WEIGHT)
         score=RULE_SCORE * SERVICE_WEIGHT)


# the base image a build pulls: the classic builder's ``Step 1/5 : FROM <image>``, BuildKit's
# ``[internal] load metadata for <image>``
_BUILD_FROM = re.compile(r"^(?:Step \d+(?:/\d+)? : FROM |#\d+ \[internal\] load metadata for )"
                         r"(?P<image>[\w./:@-]+)")
# the registry refused or did not find it, in the words of the classic builder (Docker 1.x's v1
# "Error: image <name> not found", the "pull access denied for <name>" of later ones) and of
# BuildKit ("failed to resolve source metadata for <name>: ... pull access denied")
_FROM_REFUSED = re.compile(
    r"Error: image (?P<a>[\w./:-]+) not found"
    r"|pull access denied for (?P<b>[\w./:-]+?),"
    r"|failed to resolve source metadata for (?P<c>[\w./:@-]+): .*(?:pull access denied"
    r"|insufficient_scope|unauthorized|authorization failed)", re.IGNORECASE)
# the docker CLI's last line of a pull that worked
_PULLED = re.compile(r"^Status: (?:Downloaded newer image|Image is up to date) for "
                     r"(?P<image>[\w./:@-]+)")


def _image_key(name: str) -> str:
    """An image reference without the parts that default (docker.io, library/, :latest)."""
    name = name.lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        name = name.removeprefix(prefix)
    name = name.removeprefix("library/")
    return name.removesuffix(":latest")


def _build_pull_refused_pull_works(candidates: dict[str, Candidate], lines: list[LogLine],
                                   catalog: Catalog) -> None:
    """A build could not pull its base image (refused, "not found") while ``docker pull`` of
    the same image worked on the same daemon: the pull had the client's credentials, the
    build's did not get them."""
    pulled = {_image_key(m.group("image")) for line in lines
              for m in [_PULLED.match(line.text.strip())] if m}
    bases = {_image_key(m.group("image")) for line in lines
             for m in [_BUILD_FROM.match(line.text.strip())] if m}
    if not pulled or not bases:
        return
    for line in lines:
        found = _FROM_REFUSED.search(line.text)
        if found is None:
            continue
        image = _image_key(found.group("a") or found.group("b") or found.group("c"))
        if image in bases and image in pulled:
            _add(candidates, catalog, "registry-auth-not-inherited", line,
                 "a build's pull of its base image refused, docker pull of it works",
                 f"docker pull of {image} works with the client's login, but the build's own "
                 "pull of it was refused or not found: the credentials did not reach the "
                 "build's pull (log in where the builder runs, or pull the base image first)")
            return


# docker-py (Compose v1 ``--verbose``, Ansible's docker modules) read config.json: the logins are
# in a credential store (credsStore) it does not read, and it pulls with no credentials
_PY_STORE = re.compile(r"\bFound 'credsStore' section|\bAuth data for \S+ is absent\. Client "
                       r"might be using a credentials store instead")
_PY_NO_AUTH = re.compile(r"\bNo auth config found\b")
# a docker-py that reads credential stores says which one it asks
_PY_STORE_USED = re.compile(r"\bUsing credentials store \\?\"")


def _docker_py_store_unread(candidates: dict[str, Candidate], lines: list[LogLine],
                            catalog: Catalog) -> None:
    """docker-py saw the logins kept in a credential store and then found no credentials for
    the pull or push: the client's login never reaches the daemon's request."""
    if _first(lines, _PY_STORE) is None or _first(lines, _PY_STORE_USED) is not None:
        return
    missing = _first(lines, _PY_NO_AUTH)
    if missing is not None:
        _add(candidates, catalog, "registry-auth-not-inherited", missing,
             "docker-py found no credentials, the logins are in a credential store",
             "the client's config.json keeps its logins in a credential store (credsStore) and "
             "docker-py found no auth entry for the registry: the pull or push goes without "
             "credentials (a docker-py or Compose version that reads credential stores, or "
             "an auths entry written for the registry, fixes it)")


# the docker CLI refusing a flag at its root command (``See 'docker --help'``, or the root usage
# after it): the subcommand before the flag is not one it knows
_UNKNOWN_FLAG = re.compile(r"unknown (?:shorthand )?flag: (?P<flag>'\w' in -\w|--[\w-]+)")
_DOCKER_ROOT = re.compile(r"See 'docker --help'|Usage:\s+docker \[OPTIONS\] COMMAND\b"
                          r"|Run 'docker --help' for more information")
_COMPOSE_COMMAND = re.compile(r"\bdocker\s+compose\b")
# `docker compose version --short`: the version probe of compose actions and scripts
_COMPOSE_ONLY_FLAGS = ("--short",)


def _compose_flag_on_docker(candidates: dict[str, Candidate], lines: list[LogLine],
                            catalog: Catalog) -> None:
    """The docker CLI refused a flag of ``docker compose …`` at its root: without the compose
    plugin, ``compose`` is no subcommand and the flags after it reach ``docker`` itself."""
    if "compose-missing" in candidates:
        return
    for at, line in enumerate(lines):
        found = _UNKNOWN_FLAG.search(line.text)
        if found is None:
            continue
        near = [line, *lines[at + 1:at + 4]]
        if not any(_DOCKER_ROOT.search(other.text) for other in near):
            continue
        if found.group("flag") in _COMPOSE_ONLY_FLAGS or _COMPOSE_COMMAND.search(line.command):
            _add(candidates, catalog, "compose-missing", line,
                 "the docker CLI refused a flag of docker compose",
                 f"docker itself refused {found.group('flag')}: no compose plugin took the "
                 "`docker compose` command, so its flags reached the docker CLI")
            return


# a .NET socket error, and the Docker.DotNet frame of the callback that connects its local
# endpoint (the unix socket or the named pipe: lambdas of the DockerClient constructor)
_DOTNET_SOCKET = re.compile(r"System\.Net\.Sockets\.SocketException(?: \(\d+\))?: (?P<msg>.+)")
_DOTNET_LOCAL = re.compile(r"\bat Docker\.DotNet\.DockerClient\.<>c__DisplayClass\w*\."
                           r"<<-ctor>b__\d+>d\.MoveNext\(\)|UnixDomainSocketEndPoint")
_DOTNET_DENIED = re.compile(r"permission denied|access (?:is )?denied", re.IGNORECASE)


def _dotnet_local_socket(candidates: dict[str, Candidate], lines: list[LogLine],
                         catalog: Catalog) -> None:
    """Docker.DotNet could not connect its local endpoint: .NET reports a unix socket path that
    is not there as "Cannot assign requested address" (or "No such file or directory"); a
    socket the user may not open as "Permission denied"."""
    for at, line in enumerate(lines):
        found = _DOTNET_SOCKET.search(line.text)
        if found is None or not any(_DOTNET_LOCAL.search(other.text)
                                    for other in lines[at + 1:at + 16]):
            continue
        if _DOTNET_DENIED.search(found.group("msg")):
            _add(candidates, catalog, "shell-executor-specifics", line,
                 "Docker.DotNet was denied the local Docker socket",
                 "Docker.DotNet's connect to its local endpoint failed with permission denied: "
                 "the user running the job may not open the daemon's socket")
            candidates["shell-executor-specifics"].node_id = "host-daemon"
        else:
            _add(candidates, catalog, "docker-host-unset-unix-socket", line,
                 "Docker.DotNet could not connect its local endpoint",
                 "Docker.DotNet connected to its default local endpoint (unix:///var/run/"
                 "docker.sock or the named pipe) and found no daemon there: DOCKER_HOST does "
                 "not point it at the daemon the job should use")
        return


# bollard (Rust's Docker client: testcontainers-rs and others) could not connect; the OS error
# follows on the next line of the error chain
_BOLLARD_CONNECT = re.compile(r"Error in the hyper legacy client: client error \(Connect\)")
_OS_DENIED = re.compile(r"Permission denied \(os error 13\)")


def _bollard_socket_denied(candidates: dict[str, Candidate], lines: list[LogLine],
                           catalog: Catalog) -> None:
    """bollard's connect failed with EACCES: the daemon's socket is there, and the user running
    the job may not open it (not in the docker group)."""
    for at, line in enumerate(lines):
        if not _BOLLARD_CONNECT.search(line.text):
            continue
        denied = next((other for other in lines[at:at + 3] if _OS_DENIED.search(other.text)),
                      None)
        if denied is not None:
            _add(candidates, catalog, "shell-executor-specifics", denied,
                 "bollard was denied the Docker socket",
                 "the Docker client (bollard) could not open the daemon's socket: permission "
                 "denied, the user running the job is not in the docker group",
                 score=RULE_SCORE * 2)
            candidates["shell-executor-specifics"].node_id = "host-daemon"
            return


# a host port that the job binds a container's port to by hand (Testcontainers' fixed port,
# docker-java's port bindings, `docker run -p <host>:<container>`)
_FIXED_PORT = re.compile(r"withFixedExposedPort\(\s*(?P<fixed>\d{2,5})\s*,"
                         r"|(?:setPortBindings|PortBinding\.parse|withPortBindings)\(.*?[\"']"
                         r"(?:[\d.]+:)?(?P<bound>\d{2,5}):\d{2,5}(?:/\w+)?[\"']")
_TESTCONTAINERS_USED = re.compile(r"testcontainers|\bGenericContainer\b", re.IGNORECASE)


def _fixed_port_refused(candidates: dict[str, Candidate], lines: list[LogLine],
                        catalog: Catalog) -> None:
    """Testcontainers was told to bind a fixed host port and the test then dialled localhost at
    that port and was refused: the port is published on the daemon's host (a dind service, the
    host behind a mounted socket), not in the container the tests run in."""
    if _named(candidates, "published-port-localhost") \
            or _first(lines, _TESTCONTAINERS_USED) is None:
        return
    ports = {int(m.group("fixed") or m.group("bound")) for line in lines
             for m in _FIXED_PORT.finditer(line.text)}
    ports.discard(2375)
    ports.discard(2376)
    if not ports:
        return
    for at, line in enumerate(lines):
        found = _LOCAL_AT.search(line.text)
        if found is None or found.group("port") is None or int(found.group("port")) not in ports:
            continue
        refused = next((other for other in lines[at:at + 4] if _REFUSED.search(other.text)),
                       None)
        if refused is not None:
            _add(candidates, catalog, "published-port-localhost", refused,
                 "connection refused on localhost at a fixed port Testcontainers bound",
                 f"the test bound host port {found.group('port')} and dialled localhost: the "
                 "port is published on the Docker daemon's host, which is not the test's "
                 "localhost when the daemon runs elsewhere (dind, a mounted host socket); ask "
                 "Testcontainers for getHost() and getMappedPort()")
            return


# containerd's mount error (`mount source: "overlay", target: ..., fstype: overlay, flags: ...,
# data: "...", err: invalid argument`) wrapped over several lines by the client that relays it
_OVERLAY_MOUNT_START = re.compile(r'mount source: "overlay", target: "')
_MOUNT_EINVAL = re.compile(r'(?:^|[\s,])err: invalid argument\b')
_WRAP_LINES = 8


def _wrapped_overlay_mount(candidates: dict[str, Candidate], lines: list[LogLine],
                           catalog: Catalog) -> None:
    """An overlay mount refused with EINVAL, the error split over lines: the snapshotter's
    overlay does not stack on the file system under it (an overlay root)."""
    if _named(candidates, "overlay-on-overlay"):
        return
    for i, line in enumerate(lines):
        if not _OVERLAY_MOUNT_START.search(line.text):
            continue
        end = next((later for later in lines[i:i + _WRAP_LINES]
                    if _MOUNT_EINVAL.search(later.text)), None)
        if end is not None:
            _add(candidates, catalog, "overlay-on-overlay", end,
                 'mount source: "overlay" ... err: invalid argument',
                 "an overlay mount was refused with invalid argument: the overlay does not "
                 "stack on the file system under the data root (itself an overlay)")
            return


# the job's image is a docker:* one (Alpine, apk) or a dind service is declared, in the pasted
# .gitlab-ci.yml
_DOCKER_IMAGE_DECLARED = re.compile(r"^\s*image:\s*['\"]?docker:[\w.-]+"
                                    r"|^\s*-\s*(?:name:\s*)?['\"]?docker:[\w.-]*dind\b",
                                    re.IGNORECASE)
# bash (not the image's BusyBox sh, which says "apk: not found") or PowerShell has no apk: the
# script runs on a host that is not the declared image
_APK_NOT_IN_BASH = re.compile(r"\bapk: command not found|The term 'apk' is not recognized as")
# the runner said which executor it used: on docker or kubernetes the image was used
_CONTAINER_EXECUTOR = re.compile(r"Using (?:Docker|Kubernetes|docker-autoscaler|docker\+machine|"
                                 r"Docker Machine) executor", re.IGNORECASE)


def _job_image_ignored(candidates: dict[str, Candidate], lines: list[LogLine],
                       catalog: Catalog) -> None:
    """The .gitlab-ci.yml asks for a docker:* image (or a dind service) and bash cannot find
    apk: the image was ignored, as the shell executor does."""
    if (_first(lines, _DOCKER_IMAGE_DECLARED) is None
            or _first(lines, _CONTAINER_EXECUTOR) is not None):
        return
    missing = _first(lines, _APK_NOT_IN_BASH)
    if missing is None:
        return
    _add(candidates, catalog, "shell-executor-specifics", missing,
         "the job's docker:* image was not used",
         "the job declares a docker:* image or a dind service, yet bash finds no apk: the "
         "image and services were ignored, as the shell executor does, and the script runs on "
         "the runner's host")
    candidates["shell-executor-specifics"].node_id = "docker-executor-runner"
