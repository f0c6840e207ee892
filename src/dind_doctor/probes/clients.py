"""Which Docker clients the job uses, and what decides how each of them connects.

Reads the build files in ``$CI_PROJECT_DIR`` (bounded: the top directory and one level
below it, small files only), asks the job's own Python for its package versions and for
docker-py's ``kwargs_from_env`` (in that interpreter, never in this process), finds the
buildx plugin, reads ``~/.testcontainers.properties`` and, when a Python client talks TLS,
repeats the TLS handshake under ``ssl.VERIFY_X509_STRICT`` (what Python >= 3.13 with
urllib3 >= 2.4 does).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Mapping

from ..clients.detect import merge, parser_for
from ..facts import ClientFact, ClientsFacts, PythonFacts, StrictTlsFact, ToolFact
from ..model import Endpoint
from ..redact import redact_text, redact_var
from .bounded import Background, Deadline, elapsed_ms, in_thread
from .docker_config import DockerConfig, credential_registries, read_docker_config
from .prestart import which
from .tcp import connect
from .tools import _output, plugin_dirs

SCAN_TIMEOUT = 3.0
TLS_TIMEOUT = 3.0
MAX_FILE = 1 << 20
MAX_ENTRIES = 200
SKIP_DIRS = {"node_modules", "vendor", "target", "build", "dist", "venv", "__pycache__"}
PYTHON_PACKAGES = ("docker", "urllib3", "requests", "testcontainers", "docker-compose",
                   "dind-doctor")
_TC_VAR = re.compile(r"^(TESTCONTAINERS_.*|TC_HOST)$")
_MENTIONS = ("buildx create", "docker context create", "buildx build", "buildx use",
             "docker compose", "docker-compose")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
COMPOSE_FILE = "compose file"
"""The mention recorded when the project holds a compose file (a script may use it)."""

# Runs in the job's Python: package versions, and docker-py's own reading of the environment.
PYTHON_SCRIPT = r"""
import json, sys
out = {"version": sys.version.split()[0], "packages": {}}
try:
    from importlib import metadata
except ImportError:
    metadata = None
for name in sys.argv[1:]:
    try:
        out["packages"][name] = metadata.version(name)
    except Exception:
        pass
if "docker" in out["packages"]:
    try:
        from docker.utils import kwargs_from_env
        kw = kwargs_from_env()
        tls = kw.get("tls")
        cert = getattr(tls, "cert", None)
        out["docker_py"] = {"base_url": kw.get("base_url"), "tls": tls is not None,
                            "verify": bool(getattr(tls, "verify", False)),
                            "ca": getattr(tls, "ca_cert", None),
                            "cert": cert[0] if cert else None}
    except Exception as exc:
        out["docker_py"] = {"error": type(exc).__name__ + ": " + str(exc)}
print(json.dumps(out))
"""


def project_files(root: str) -> list[str]:
    """Build files under ``root`` and one directory level below, relative to ``root``."""
    found: list[str] = []
    for directory in [root, *_subdirs(root)]:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)[:MAX_ENTRIES]
        except OSError:
            continue
        for entry in entries:
            if parser_for(entry.name) and entry.is_file(follow_symlinks=False):
                found.append(os.path.relpath(entry.path, root))
    return found


def _subdirs(root: str) -> list[str]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)[:MAX_ENTRIES]
    except OSError:
        return []
    return [e.path for e in entries if e.is_dir(follow_symlinks=False)
            and not e.name.startswith(".") and e.name not in SKIP_DIRS]


def read_clients(root: str, files: list[str]) -> tuple[list[ClientFact], list[str]]:
    clients: list[ClientFact] = []
    errors: list[str] = []
    for rel in files:
        parser = parser_for(os.path.basename(rel))
        try:
            with open(os.path.join(root, rel), "rb") as handle:
                text = handle.read(MAX_FILE).decode("utf-8", "replace")
        except OSError as exc:
            errors.append(f"{rel}: {exc.strerror or exc}")
            continue
        if parser is not None:
            clients += parser(text, rel)
    return clients, errors


def read_properties(path: str) -> dict[str, str]:
    """A Java .properties file (key=value or key: value, # and ! comments)."""
    from pathlib import Path

    props: dict[str, str] = {}
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")[:MAX_FILE]
    except OSError:
        return props
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        key, _, value = line.partition("=") if "=" in line else line.partition(":")
        props[key.strip()] = redact_text(value.strip())
    return props


def python_candidates(env: Mapping[str, str]) -> list[str]:
    """The job's Python: the project's virtualenv first, then python3 on the job's PATH."""
    found: list[str] = []
    for venv in (env.get("VIRTUAL_ENV"), f"{env['CI_PROJECT_DIR']}/.venv"
                 if env.get("CI_PROJECT_DIR") else None):
        if venv and os.access(f"{venv}/bin/python", os.X_OK):
            found.append(f"{venv}/bin/python")
    for directory in (env.get("PATH") or "").split(os.pathsep):
        if "/shims" in directory:  # a version manager's shim starts a shell per call: skip
            continue
        for name in ("python3", "python"):
            path = which(name, directory)
            if path:
                found.append(path)
    return list(dict.fromkeys(found))


def probe_python(executable: str, env: Mapping[str, str],
                       deadline: Deadline) -> PythonFacts:
    facts = PythonFacts(executable=executable)
    tool = ToolFact("python", executable)
    out = _output(tool, [executable, "-c", PYTHON_SCRIPT, *PYTHON_PACKAGES], deadline,
                  _job_env(env))
    if out is None:
        facts.error = tool.error
        return facts
    try:
        data = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        facts.error = f"unexpected output: {out.strip()[:120]}"
        return facts
    facts.version = data.get("version")
    facts.packages = {k: str(v) for k, v in data.get("packages", {}).items()}
    docker_py = data.get("docker_py") or {}
    facts.docker_py_error = redact_text(docker_py["error"]) if docker_py.get("error") else None
    if "tls" in docker_py:
        facts.docker_py_base_url = docker_py.get("base_url")
        facts.docker_py_tls = bool(docker_py.get("tls"))
        facts.docker_py_verify = bool(docker_py.get("verify"))
        facts.docker_py_ca = docker_py.get("ca")
        facts.docker_py_cert = docker_py.get("cert")
    return facts


def _job_env(env: Mapping[str, str]) -> dict[str, str]:
    """The job's environment for its Python; never let this run reach a daemon."""
    job = dict(env)
    job.pop("PYTHONPATH", None)
    job["PYTHONDONTWRITEBYTECODE"] = "1"
    return job


def python_clients(python: PythonFacts) -> list[ClientFact]:
    """Docker clients installed in the job's Python. docker-py counts only when it is not
    there just because this tool needs it (then only a build file names it as the job's)."""
    names = {"docker": "docker-py", "testcontainers": "testcontainers-python",
             "docker-compose": "docker-compose-v1"}
    if "dind-doctor" in python.packages:
        names.pop("docker")
    source = f"installed (Python {python.version} at {python.executable})"
    return [ClientFact(name, "python", python.packages[dist], source)
            for dist, name in names.items() if dist in python.packages]


def probe_buildx(env: Mapping[str, str], home: str, deadline: Deadline) -> ToolFact | None:
    plugin = next((f"{d}/docker-buildx" for d in plugin_dirs(env, home)
                   if os.access(f"{d}/docker-buildx", os.X_OK)), None)
    if plugin is None:
        return None
    tool = ToolFact("docker buildx", plugin)
    out = _output(tool, [plugin, "version"], deadline, {"PATH": env.get("PATH", "")})
    match = re.search(r"\bv?(\d+\.\d+(?:\.\d+)?)", out or "")
    if match:
        tool.version = match.group(1)
    elif out is not None:
        tool.error = f"unexpected output: {out.strip()[:120]}"
    return tool


def ci_file_text(env: Mapping[str, str]) -> str:
    """The job's CI file (its first :data:`MAX_FILE` characters), or "" when unreadable."""
    root = env.get("CI_PROJECT_DIR")
    if not root:
        return ""
    from pathlib import Path

    try:
        return Path(root, env.get("CI_CONFIG_PATH") or ".gitlab-ci.yml").read_text(
            encoding="utf-8", errors="replace")[:MAX_FILE]
    except OSError:
        return ""


def script_mentions(env: Mapping[str, str], ci_text: str | None = None) -> list[str]:
    """buildx, context and compose commands the job's CI file runs (a plain text search),
    and :data:`COMPOSE_FILE` when the project holds a compose file."""
    from pathlib import Path

    root = env.get("CI_PROJECT_DIR")
    if not root:
        return []
    found = [COMPOSE_FILE] if any(Path(root, n).is_file() for n in COMPOSE_FILES) else []
    flat = re.sub(r"\s+", " ", ci_file_text(env) if ci_text is None else ci_text)
    return [m for m in _MENTIONS if m in flat] + found


def _python_in_play(found: list[ClientFact], env: Mapping[str, str], ci_text: str) -> bool:
    if any(c.language == "python" for c in found) or env.get("VIRTUAL_ENV"):
        return True
    return bool(re.search(r"\b(pip3?|pipx|poetry|uv|pytest|tox|python3?|docker-compose)\b",
                          ci_text))


def strict_handshake(host: str, port: int, cert_path: str, timeout: float) -> StrictTlsFact:
    """Two handshakes with the daemon: the default verification, then under X509_STRICT."""
    ca = f"{cert_path.rstrip('/')}/ca.pem"
    fact = StrictTlsFact(host=host, port=port, ca_path=ca)
    for strict in (False, True):
        ok, error = _handshake(host, port, cert_path, ca, strict, timeout)
        if strict:
            fact.strict_ok, fact.strict_error = ok, error
        else:
            fact.default_ok, fact.default_error = ok, error
    return fact


def _handshake(host: str, port: int, cert_path: str, ca: str, strict: bool,
               timeout: float) -> tuple[bool, str | None]:
    import ssl  # loaded only when a TLS connection is made

    try:
        context = ssl.create_default_context(cafile=ca)
        if strict:
            context.verify_flags |= ssl.VERIFY_X509_STRICT
        # the server's certificate is what is judged here: a missing client cert is no matter
        with contextlib.suppress(OSError, ssl.SSLError):
            context.load_cert_chain(f"{cert_path}/cert.pem", f"{cert_path}/key.pem")
        with connect(host, port, timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return True, None
    except ssl.SSLCertVerificationError as exc:
        return False, exc.verify_message or str(exc)
    except (OSError, ssl.SSLError, ValueError) as exc:
        return False, f"{type(exc).__name__}: {exc}"


def python_in_play(facts: ClientsFacts) -> bool:
    return any(c.language == "python" for c in facts.clients)


def probe_clients(environ: Mapping[str, str], home: str, endpoint: Endpoint,
                        deadline: Deadline, config: DockerConfig | None = None) -> ClientsFacts:
    """``config``: the job's config.json, read by the caller (read here otherwise)."""
    started = time.perf_counter()
    facts = ClientsFacts(project_dir=environ.get("CI_PROJECT_DIR") or None)
    facts.env = {k: redact_var(k, v) for k, v in sorted(environ.items()) if _TC_VAR.match(k)}
    props = f"{home.rstrip('/')}/.testcontainers.properties"
    if os.path.isfile(props):
        facts.tc_properties_path = props
        facts.tc_properties = read_properties(props)
    config = config or read_docker_config(environ, home)
    if config.is_file:
        facts.docker_config_path = config.path
        facts.docker_config_registries, facts.docker_config_store = \
            credential_registries(config)
    found: list[ClientFact] = []
    ci_text = ci_file_text(environ)  # read once: script mentions and whether Python is in play
    if facts.project_dir:
        root = facts.project_dir
        facts.files, found, facts.errors = in_thread(
            lambda: _scan(root), deadline.budget(SCAN_TIMEOUT))
        facts.script_mentions = script_mentions(environ, ci_text)
    # the job's Python is asked only when Python is in play: a build file names a Python
    # Docker client, or the CI file installs or runs Python packages
    pythons = python_candidates(environ) if _python_in_play(found, environ, ci_text) else []
    buildx_job = Background(lambda: probe_buildx(environ, home, deadline)) if pythons else None
    python = probe_python(pythons[0], environ, deadline) if pythons else None
    buildx: ToolFact | None = (buildx_job.result() if buildx_job is not None
                               else probe_buildx(environ, home, deadline))
    facts.python, facts.buildx = python, buildx
    if python is not None:
        found += python_clients(python)
    facts.clients = merge(found)
    if (python_in_play(facts) and endpoint.scheme == "tcp" and endpoint.tls
            and endpoint.host and endpoint.port and endpoint.cert_path):
        host, port, cert_path = endpoint.host, endpoint.port, endpoint.cert_path
        facts.strict_tls = in_thread(
            lambda: strict_handshake(host, port, cert_path, TLS_TIMEOUT),
            deadline.budget(2 * TLS_TIMEOUT + 0.5))
    facts.duration_ms = elapsed_ms(started)
    return facts


def _scan(root: str) -> tuple[list[str], list[ClientFact], list[str]]:
    files = project_files(root)
    clients, errors = read_clients(root, files)
    return files, clients, errors

