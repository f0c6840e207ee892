"""What a failed job shows when it did not fail on DinD: the tests failed, ``docker login``
was refused, an image does not exist, a download timed out, a process ran out of memory, a
command of the script or of a Dockerfile failed.

These are reported so the answer to "not a DinD problem" says what the log does show. They
never name a DinD failure mode; they tell :func:`.analyse.explain_log` that the failure has
an ordinary cause when the DinD side of the log shows nothing fatal.
"""

from __future__ import annotations

import re

from ..records import record
from .logtext import LogLine, Origin


@record(frozen=True)
class Kind:
    """One kind of ordinary failure and the error texts that show it."""

    id: str
    summary: str
    pattern: re.Pattern[str]


def _kind(kind_id: str, summary: str, *patterns: str) -> Kind:
    return Kind(kind_id, summary, re.compile("|".join(f"(?:{p})" for p in patterns),
                                             re.IGNORECASE))


# a client that could not reach its daemon, unless that daemon is the host named docker (no
# runner host: the dind alias written into the runner's own [runners.docker] host, see
# runner-docker-host-misread)
_DAEMON_UNREACHED = (r"(?!.*://docker[:/])(?:Cannot connect to the Docker daemon"
                     r"|failed to connect to the docker API|error during connect: )")
# the runner, not the job, could not reach the Docker host it runs the job's containers on
RUNNER_LOST_HOST = re.compile(r"Job failed \(system failure\): " + _DAEMON_UNREACHED,
                              re.IGNORECASE)
# the runner's preparation (retried three times) could not reach the daemon it runs the job on
# (its host's socket, an autoscaled machine on 2376): the runner's host, never the job's dind,
# whose containers don't exist yet
RUNNER_HOST_SOCKET = re.compile(r"Preparation failed: " + _DAEMON_UNREACHED, re.IGNORECASE)
# the runner could not mount a volume of its config.toml into the job's containers on its own
# host (a host path that does not exist, the same target twice): the daemon is the runner
# host's, not the job's dind, so it is no bind mount resolved in dind's file system
RUNNER_HOST_MOUNT = re.compile(r"(?:Job failed \(system failure\)|Preparation failed): .*(?:"
                               r"invalid mount config for type|bind source path does not exist"
                               r"|Duplicate mount point|error while creating mount source path"
                               r"|error mounting \S+ to rootfs at )", re.IGNORECASE)

# a tool's line as printed, in ``docker build`` under BuildKit (``#12 3.456 ``) or from a
# container of ``docker compose up`` (``tests-1  | ``, ``docker_cypress  | ``)
_BK = r"^(?:#\d+ \d+(?:\.\d+)? |[\w.-]+ +\| )?\s*"

# most telling first: a test failure explains a job better than the ``exit status 1`` after it
KINDS: tuple[Kind, ...] = (
    # before the refused login: `aws ecr get-login-password | docker login` fails on the first
    _kind("cloud-cli-failed",
          "a cloud provider's CLI (aws, gcloud, az) failed: no credentials, invalid ones, or an "
          "operation they may not do",
          r"Unable to locate credentials\. You can configure credentials by running \"aws ",
          r"An error occurred \(\w+\) when calling the \w+ operation",
          r"^ERROR: \(gcloud\.[\w.-]+\) ", r"^ERROR: Please run 'az login' to setup account\."),
    _kind("registry-login-refused",
          "the registry refused the credentials given to docker login (wrong user name, "
          "password or token, an empty variable, or a login command the client does not "
          "accept)",
          r"incorrect username or password", r"HTTP Basic: Access denied",
          r"Cannot perform an interactive login from a non TTY device",
          r"unauthorized: authentication failed", r"invalid username/password",
          r"login attempt to \S+ failed with status: 4\d\d\b",
          # `aws ecr get-login` printed `docker login -e none`, which Docker 17.06+ refuses
          r"^unknown shorthand flag: 'e' in -e\s*$",
          # the credential helper named in config.json could not store the login
          r"^Error saving credentials: error storing credentials - err: ",
          r"error checking push permissions",
          # the login's request to the registry's API root refused (ACR, GHCR)
          r"Get \"?https://[^/\s]+/v2/\"?: "
          r"(?:unauthorized: authentication required|denied: denied)"),
    _kind("registry-access-refused",
          "the registry refused the pull or push: the credentials do not cover this registry or "
          "repository (another host, account or region than the login, no login for it, or a "
          "token without read or write access)",
          r"\bno basic auth credentials\b", r"unauthorized to access repository: ",
          r"denied: Permission \"artifactregistry\.repositories\.\w+\" denied",
          r"Unauthenticated requests do not have permission \"artifactregistry\.",
          r"denied: installation not allowed to \w+ organization package",
          r"denied: permission_denied: write_package",
          r"unauthorized: You don't have the needed permissions to perform this operation",
          r"unauthorized: authentication required, visit https://aka\.ms/acr/authorization",
          r"unauthorized: access to the requested resource is not authorized",
          # BuildKit's push: the registry answered the request with 401 or 403
          r"unexpected status from (?:HEAD|GET|POST|PUT) request to \S+: 40[13] ",
          r"failed to fetch (?:oauth|anonymous) token: unexpected status(?: from \S+ request to "
          r"\S+)?: 40[13] ",
          r"^unauthorized: authentication required\s*$"),
    _kind("image-not-found",
          "an image or tag that does not exist in the registry (a typo, a tag never pushed, "
          "or a platform it was not built for), or one the credentials may not read",
          r"manifest unknown", r"manifest for \S+ not found",
          r"no matching manifest for", r"failed to resolve reference .*: not found",
          r"failed to resolve source metadata for \S+: .*\bnot found$",
          r"name unknown: repository name not known to registry",
          r"An image does not exist locally with the tag: \S", r"\btag does not exist: \S",
          r"error parsing HTTP 404 response body: ",
          r"repository name must be lowercase", r"invalid reference format",
          r"repository does not exist", r"requested access to the resource is denied",
          r"denied: access forbidden"),
    _kind("registry-unavailable",
          "the registry answered with a server error (trouble on the registry's side)",
          r"received unexpected HTTP status: 5\d\d", r"\b50[234] (?:Bad Gateway|Service "
          r"Unavailable|Gateway Time-?out)\b"),
    _kind("runner-lost-docker-host",
          "the runner lost the Docker host it runs jobs on (a system failure of the runner or "
          "its autoscaled machine, not the job's Docker-in-Docker)",
          RUNNER_LOST_HOST.pattern),
    _kind("runner-volume-config",
          "the runner could not mount a volume of its config.toml into the job's containers on "
          "its own host (a host path that does not exist or is read-only, the same target "
          "twice): the runner's configuration, not the job's Docker-in-Docker",
          RUNNER_HOST_MOUNT.pattern),
    # GitLab Runner's Kubernetes executor (executors/kubernetes): the build pod never ran, or
    # the cluster took it away; the scheduler's and the kubelet's reasons follow in the log
    _kind("k8s-pod-not-running",
          "the cluster did not run the job's pod (no node had room for it, it was not ready "
          "in time, or it was deleted or its containers lost): the runner's or the cluster's "
          "problem, not the job's Docker-in-Docker",
          r"timed out waiting for pod to (?:start|become attachable)",
          r"Timed out while waiting for \S+ to be present in the cluster",
          r"pod \"[^\"]+\" (?:is being deleted|is deleted|status is \"(?:Failed|Unknown)\")",
          r"pod failed to enter running state: ",
          # the runner could not create what the pod needs (its pull secret, its namespace);
          # not ``setting up build pod``: an admission refusal of the privileged dind
          # container follows it, on the next lines when a policy engine words it
          r"prepare environment: setting up (?:credentials|build namespace): ",
          # a container of the pod the kubelet could not create or pull (a registry's refusal
          # or rate limit in the message is matched by its own kind or mode first)
          r"container configuration error: ", r"pod sandbox creation failed: ",
          r"\bimage pull failed: ",
          # the pod taken away (preemption, a node drained or tainted, the kubelet's eviction):
          # the kubelet's message, when it names the dind service's disk, names the mode
          r"pod \"[^\"]+\" is disrupted: reason \"",
          r"unable to upgrade connection: container not found \(\"(?:build|helper)\"\)"),
    _kind("source-fetch-failed", "fetching the repository failed (git)",
          r"^fatal: unable to access '[^']+': ", r"^fatal: could not read Username"),
    _kind("tests-failed", "the tests failed",
          r"npm ERR! Test failed", _BK + r"Tests?:?\s+\d+ failed", _BK + r"--- FAIL:",
          _BK + r"FAIL\s+\S", _BK + r"=+ .*\d+ failed", r"FAILED \((?:failures|errors)=\d+",
          r"Tests run: \d+, Failures: [1-9]", r"There (?:was|were) \d+ failures?:",
          r"Test Suites: \d+ failed", r"There are test failures", r"\bAssertionError\b",
          r"^\S*\s*\|?\s*Failed tests?:\s+\d", r"\bResult: FAIL\b",
          _BK + r"FAILED \S+::",
          r"\d+ (?:examples|tests?), \d+ failures?",
          # cargo test, dotnet test, PHPUnit, mocha, vitest, Gradle, Cypress (also under a
          # BuildKit ``#12 3.4`` prefix)
          r"\btest result: FAILED\. \d+ passed; \d+ failed",
          r"\bFailed!\s+-\s+Failed:\s+\d+, Passed:\s+\d+", _BK + r"Test Run Failed\.$",
          _BK + r"FAILURES!$",
          _BK + r"Tests: \d+, Assertions: \d+, (?:Errors: \d+, )?Failures: \d+",
          _BK + r"\d+ failing$", _BK + r"Test Files\s+\d+ failed\b",
          r"There were failing tests\. See the report at",
          r"\u2716\s+\d+ of \d+ failed \(\d+%\)", _BK + r"\d+ failed$"),
    _kind("out-of-memory", "a process was killed for lack of memory (OOM)",
          r"^Killed\s*$", r"\bOOMKilled\b", r"JavaScript heap out of memory",
          r"java\.lang\.OutOfMemoryError", r"Cannot allocate memory", r"exit code:? 137\b",
          r"signal: killed", r"MemoryError\b", r"Out of memory: Killed process",
          r"The node was low on resource: memory\b"),
    _kind("download-failed",
          "a package or file download failed or timed out (npm, PyPI, apt, Maven ...)",
          r"Read timed out", r"ReadTimeoutError", r"\bETIMEDOUT\b", r"\bESOCKETTIMEDOUT\b",
          r"\bECONNRESET\b", r"npm ERR! network", r"npm ERR! code E(?:AI_AGAIN|NOTFOUND)",
          r"Could not fetch URL", r"No matching distribution found",
          r"does not have a Release file", r"^\S*\s*404\s+Not Found \[IP:",
          r"SELF_SIGNED_CERT_IN_CHAIN", r"UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
          r"Received status code 5\d\d from server",
          r"Failed to fetch http", r"Connection timed out", r"timed out after \d+",
          r"Could not transfer artifact", r"Could not resolve dependencies",
          # a TLS-intercepting proxy between the job and the package index or download site
          r"curl: \(60\) SSL certificate problem"),
    _kind("dependencies-unresolved",
          "the package manager could not install the dependencies (a package or version that "
          "does not exist, conflicting versions, or a checksum that does not match)",
          r"Could not find a version that satisfies the requirement",
          r"THESE PACKAGES DO NOT MATCH THE HASHES", r"\bE: Unable to locate package \S",
          r"Hash Sum mismatch", _BK + r"ERROR: unable to select packages:",
          r"npm (?:ERR!|error) (?:code )?E(?:RESOLVE|INTEGRITY)\b",
          r"requirements could not be resolved to an installable set of packages",
          r"Could not resolve all (?:files|dependencies) for configuration",
          r"Bundler could not find compatible versions for gem",
          r"failed to select a version for the requirement",
          r"verifying \S+: checksum mismatch",
          r"which doesn't match any versions, version solving failed",
          r"No solution found when resolving dependencies", r"\bERR_PNPM_FETCH_404\b",
          r"npm (?:ERR!|error) 404 Not Found - GET ", r"\berror NU1101: Unable to find package",
          _BK + r"Error: Unable to find a match: "),
    _kind("compile-failed", "the code did not compile (a compiler or bundler error)",
          r"\berror TS\d+: ", r"\berror: could not compile `",
          r"\[ERROR\] COMPILATION ERROR :", r"Compilation failed; see the compiler error output",
          r"Module not found: Error: Can't resolve ",
          _BK + r"\S+\.go:\d+:\d+: (?:undefined: |\S+ declared and not used)",
          # gcc/clang (a missing header, not a missing source file) and javac
          r"\.\w+:\d+:\d+: (?:fatal )?error: ", r"\.java:\d+: error: "),
    _kind("job-timeout", "the job ran longer than its timeout",
          r"execution took longer than \S+ seconds",
          r"There has been a timeout failure or the job got stuck"),
    _kind("log-limit",
          "the job's log outgrew the runner's output limit: the rest was not collected, so the "
          "error that failed the job may be missing from the log",
          r"Job's log exceeded limit of \d+ bytes", r"Job execution will continue but no "
          r"more output will be collected"),
    _kind("runner-artifacts",
          "the runner could not upload or download the job's artifacts (the coordinator refused "
          "them, e.g. too large, or the archive was broken)",
          r"^(?:ERROR|WARNING): (?:Uploading|Downloading) artifacts\b.* (?:to|from) "
          r"coordinator\.\.\. (?:error|failed|too large)",
          r"^ERROR: (?:Uploading|Downloading) artifacts\b.* (?:to|from) coordinator\.\.\. ",
          r"^FATAL: zip: not a valid zip file", r"^FATAL: too large\s*$",
          r"^FATAL: invalid_?argument\s*$"),
    _kind("app-unhealthy",
          "a container of the application (not the Docker daemon) failed its own health "
          "check or exited",
          r"dependency failed to start: container \S+ is unhealthy",
          r"Container \S+ is unhealthy", r"\S+ exited with code [1-9]\d*$"),
    _kind("wrong-platform",
          "an image built for another CPU architecture (exec format error)",
          r"exec format error"),
    _kind("deploy-refused", "the cluster refused the deployment (Kubernetes RBAC or admission, "
          "or credentials it does not accept)",
          r"Error from server \(Forbidden\)", r"is forbidden: User \S+ cannot",
          r"^error: You must be logged in to the server \("),
    _kind("deploy-failed",
          "a deploy tool failed after the build (Helm, Terraform, Ansible, ssh/scp/rsync to the "
          "target)",
          r"^Error: (?:UPGRADE|INSTALLATION) FAILED: ",
          r"no valid credential sources for Terraform AWS Provider found",
          r"^\W*Error: No valid credential sources found",
          r"^Host key verification failed\.?\s*$", r"^fatal: \[[^\]]+\]: UNREACHABLE! =>",
          # kubectl and Helm could not reach the cluster's API server
          r"^The connection to the server \S+ was refused - did you specify the right host",
          r"^(?:error: )?Unable to connect to the server: ",
          r"\bKubernetes cluster unreachable: ", r"^ssh: connect to host \S+ port \d+: ",
          r"^\S+@\S+: Permission denied \(publickey", r"^ssh: Could not resolve hostname \S+: ",
          # a Docker client whose daemon is a deploy host reached over ssh
          r"\bdocker system dial-stdio\]? has exited with exit status \d+"),
    _kind("dockerfile-step-failed", "a command in the Dockerfile failed (docker build)",
          r"returned a non-zero code: \d+", r"did not complete successfully: exit code: \d+",
          r"error building image: error building stage"),
    _kind("build-context", "the Dockerfile or a file it copies is missing or malformed",
          r"COPY failed: ", r"failed to compute cache key", r"dockerfile parse error",
          r"unknown instruction: ", r"failed to read dockerfile",
          r"unable to prepare context"),
    _kind("script-error", "a command of the job script failed",
          r": command not found", r": not found$", r"syntax error", r"\bTraceback \(most "
          r"recent call last\)", r"^\S*Error: ", r"^error(?:\[\w+\])?: ", r"npm ERR! code ",
          r"make: \*\*\* .* Error \d+", r"No such file or directory",
          r"FAILURE: Build failed with an exception", r"\bBUILD FAILURE\b",
          r"exit status \d+$", r"^ERROR: Job failed: exit code \d+"),
)


# a line the tool printed as a warning (BuildKit's ``WARNING: local cache import at ... not
# found``, dockerd's ``level=warning``): the tool went on, so it is no failed command
_WARNING_LINE = re.compile(r"^(?:#\d+ \d+(?:\.\d+)? )?(?:WARNING|WARN)(?::|\[)"
                           r"|\blevel=warn(?:ing)?\b")


# an error Docker itself printed (the daemon's answer, the client's failed connection, the
# container runtime): a generic "Error: ..." line of that kind is no evidence of an ordinary
# script failure, even when no DinD mode explains it
_DOCKER_OWN = re.compile(r"Error response from daemon|Cannot connect to the Docker daemon"
                         r"|\berror during connect\b|\bOCI runtime\b|\bfailed to create shim"
                         r"|\bdocker\.sock\b|\bdockerd\b|\bcontainerd\b")


# a line about the Docker daemon's own connection (its ports, its socket, docker-py's message
# for the daemon, a Node Docker client's frame): a timeout, a reset or a TLS error there is the
# daemon's, never a package download's
_DOCKER_CONNECTION = re.compile(r"(?::|\bport=)237[56]\b|\bdocker\.sock\b"
                                r"|Error while fetching server API version"
                                r"|node_modules[/\\](?:dockerode|docker-modem)[/\\]",
                                re.IGNORECASE)


@record(frozen=True)
class Shown:
    """One line that shows an ordinary failure."""

    kind: Kind
    line: LogLine
    in_failing_step: bool


def _kinds_of(text: str) -> list[Kind]:
    """The kinds a job line (stripped) shows; a warning, or an error Docker itself printed,
    is no failed script command, and a failed connection to the daemon no failed download."""
    generic_ok = _WARNING_LINE.search(text) is None and _DOCKER_OWN.search(text) is None
    download_ok = _DOCKER_CONNECTION.search(text) is None
    return [kind for kind in KINDS if (generic_ok or kind.id != "script-error")
            and (download_ok or kind.id != "download-failed") and kind.pattern.search(text)]


def ordinary_failures(lines: list[LogLine], failing: set[int]) -> list[Shown]:
    """One :class:`Shown` per kind found in the job's own lines, most telling first (the
    order of :data:`KINDS`, a line of the failing step before others, the last such line)."""
    found: dict[str, Shown] = {}
    seen: dict[str, list[Kind]] = {}  # a log repeats its lines: match each text once
    for line in lines:
        if line.origin is not Origin.JOB:
            continue
        text = line.text.strip()
        kinds = seen.get(text)
        if kinds is None:
            kinds = seen[text] = _kinds_of(text)
        for kind in kinds:
            shown = Shown(kind, line, line.number in failing)
            previous = found.get(kind.id)
            if previous is None or shown.in_failing_step >= previous.in_failing_step:
                found[kind.id] = shown
    order = {kind.id: i for i, kind in enumerate(KINDS)}
    return sorted(found.values(), key=lambda s: (not s.in_failing_step, order[s.kind.id]))
