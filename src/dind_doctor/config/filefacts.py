"""What the runner config and the CI file declare, as plain data (no tokens, secrets redacted).

These records are part of :class:`dind_doctor.facts.Facts`, so they are saved and replayed
with the live facts. Line numbers are 1-based; ``None`` when unknown (e.g. a key merged from a
YAML anchor).
"""

from __future__ import annotations

from ..records import field, record


@record
class ServiceDecl:
    """One service of a job (``- docker:dind`` or ``- name: ... alias: ...``)."""

    name: str
    alias: str = ""  # the ``alias:`` value as written (space- or comma-separated)
    hostnames: list[str] = field(default_factory=list)  # derived from the image + alias
    command: list[str] | None = None
    entrypoint: list[str] | None = None
    variables: dict[str, str] = field(default_factory=dict)
    is_dind: bool = False
    string_form: bool = False  # written as a plain string item
    line: int | None = None


@record
class ImageDecl:
    """The job image (``image: docker:27`` or ``image: {name: ..., entrypoint: [...]}``)."""

    name: str
    entrypoint: list[str] | None = None
    line: int | None = None


@record
class JobDecl:
    """One job after ``extends:``, anchors, ``default:`` and global ``variables:`` are applied."""

    name: str
    line: int | None = None
    hidden: bool = False  # a template (name starts with ".")
    image: ImageDecl | None = None
    services: list[ServiceDecl] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # global overlaid by the job's own
    variable_lines: dict[str, int] = field(default_factory=dict)
    uses_docker: bool = False  # a script line runs docker / docker compose / docker-compose
    tags: list[str] = field(default_factory=list)  # tags: (own or default:), as written
    extends: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # extends / !reference not resolved


@record
class CiFileFacts:
    """A parsed ``.gitlab-ci.yml`` (or an included CI file)."""

    path: str
    source: str = ""  # why this file: --ci-file, $CI_PROJECT_DIR, ./.gitlab-ci.yml
    found: bool = False
    size: int = 0
    error: str | None = None  # unreadable, too large, not YAML, not a mapping
    error_line: int | None = None
    notes: list[str] = field(default_factory=list)  # non-fatal: duplicate keys, ...
    variables: dict[str, str] = field(default_factory=dict)  # top-level variables:
    variable_lines: dict[str, int] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)  # include: entries, not followed
    jobs: list[JobDecl] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    @property
    def parsed(self) -> bool:
        return self.found and self.error is None


@record
class VolumeDecl:
    """A volume the runner mounts into build and service containers."""

    spec: str  # "/certs/client", "/srv/certs:/certs/client:rw", or k8s "empty_dir docker-certs"
    target: str  # the path inside the containers
    kind: str = "volume"  # volume (runner-managed), bind, empty_dir, host_path, pvc, ...
    line: int | None = None


@record
class RunnerDecl:
    """One ``[[runners]]`` entry (never its token)."""

    name: str
    index: int
    executor: str = ""
    line: int | None = None
    privileged: bool | None = None  # [runners.docker] or [runners.kubernetes] privileged
    privileged_elsewhere: bool | None = None  # set in the section the executor does not read
    services_privileged: bool | None = None  # docker: services_privileged; k8s: service ctx
    allowed_privileged_services: list[str] | None = None
    allowed_services: list[str] | None = None
    volumes: list[VolumeDecl] = field(default_factory=list)
    disable_cache: bool | None = None
    network_mode: str = ""
    network_mtu: int | None = None
    wait_for_services_timeout: int | None = None
    docker_host: str = ""  # [runners.docker] host: the runner's own daemon
    docker_tls_verify: bool | None = None
    docker_tls_cert_path: str = ""
    image: str = ""
    services: list[ServiceDecl] = field(default_factory=list)  # [[runners.docker.services]]
    environment: dict[str, str] = field(default_factory=dict)  # redacted values
    feature_flags: dict[str, bool] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # "docker.privileged" -> line
    comments: list[str] = field(default_factory=list)  # the runner's own comment lines
    # registration tags are kept by GitLab, not in config.toml: known only from a comment
    # ("# tags: dind, docker") or Helm's runners.tags; None = unknown
    tags: list[str] | None = None

    @property
    def kubernetes(self) -> bool:
        return self.executor == "kubernetes"

    @property
    def docker_like(self) -> bool:
        return self.executor.startswith("docker") and self.executor != "docker-windows"


@record
class RunnerConfigFacts:
    """A parsed runner ``config.toml`` (directly or from Helm ``runners.config``)."""

    path: str
    source: str = ""  # --runner-config, /etc/gitlab-runner/config.toml, helm values, ...
    found: bool = False
    size: int = 0
    error: str | None = None
    error_line: int | None = None
    notes: list[str] = field(default_factory=list)  # non-fatal: wrong value types, ...
    helm: bool = False  # came from a Helm chart values.yaml
    line_offset: int = 0  # Helm: line of the TOML's first line inside values.yaml, minus 1
    runners: list[RunnerDecl] = field(default_factory=list)

    @property
    def parsed(self) -> bool:
        return self.found and self.error is None
