"""Image references as GitLab and the official ``docker`` image use them.

``service_hostnames`` follows GitLab Runner's ``SplitNameAndVersion``: tag, digest and registry
port dropped, then ``/`` replaced by ``__`` and by ``-``. Only a bare ``docker:*`` image gets
the ``docker`` hostname.
"""

from __future__ import annotations

import re

from ..records import record

FLOATING_TAGS = frozenset({"", "latest", "dind", "stable", "stable-dind", "latest-dind", "git",
                           "cli", "edge", "edge-dind", "test", "test-dind", "dind-rootless",
                           "rc", "rc-dind"})
_VERSION = re.compile(r"^(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?")


@record(frozen=True)
class ImageRef:
    """``registry.example.com:5000/group/docker:24.0.5-dind`` split into its parts."""

    raw: str
    registry: str  # "" for Docker Hub short names
    path: str  # "group/docker", "docker", "library/docker"
    tag: str  # "" when absent
    digest: str = ""

    @property
    def repo(self) -> str:
        """The last path component: ``docker`` for ``registry/mirror/library/docker:dind``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def is_docker_image(self) -> bool:
        """An official ``docker`` image (possibly through a mirror or dependency proxy)."""
        return self.repo == "docker"

    @property
    def is_dind(self) -> bool:
        return "dind" in self.tag or "dind" in self.repo

    @property
    def version(self) -> tuple[int, int | None] | None:
        """(major, minor) from a tag like ``24.0.5-dind``; None for floating tags."""
        match = _VERSION.match(self.tag)
        if not match:
            return None
        minor = match.group("minor")
        return int(match.group("major")), int(minor) if minor is not None else None

    @property
    def floating(self) -> bool:
        """The tag moves between releases: no tag, latest/dind/stable, or major-only."""
        if self.digest:
            return False
        if self.tag in FLOATING_TAGS:
            return True
        version = self.version
        return version is not None and version[1] is None


def parse_image(raw: str) -> ImageRef:
    """Split an image reference; never raises."""
    text = raw.strip()
    digest = ""
    if "@" in text:
        text, digest = text.split("@", 1)
    tag = ""
    last = text.rsplit("/", 1)[-1]
    if ":" in last:
        text, tag = text.rsplit(":", 1)
    registry = ""
    parts = text.split("/")
    if len(parts) > 1 and (("." in parts[0] or ":" in parts[0] or parts[0] == "localhost")
                           or parts[0].startswith("$")):
        registry = parts[0]
        parts = parts[1:]
    return ImageRef(raw=raw, registry=registry, path="/".join(parts), tag=tag, digest=digest)


def service_hostnames(image: str, alias: str = "") -> list[str]:
    """The hostnames a service gets: derived from the image, plus user aliases."""
    ref = parse_image(image)
    name = ref.path if not ref.registry else f"{_drop_port(ref.registry)}/{ref.path}"
    names = [name.replace("/", "__")]
    if name.replace("/", "-") not in names:
        names.append(name.replace("/", "-"))
    for extra in re.split(r"[\s,]+", alias.strip()):
        if extra and extra not in names:
            names.append(extra)
    return names


def _drop_port(registry: str) -> str:
    return registry.rsplit(":", 1)[0] if ":" in registry else registry
