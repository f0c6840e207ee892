"""Every install block of the README, run as written in a fresh job container.

Each job starts from an image with its own Python and pip and no dind-doctor (see
:class:`tests.support.wheelhouse.JobPython`), offline: a wheelhouse built from this working
tree answers for the package index and a git repository of it for the project's remote.
Then the job runs ``dind-doctor --version`` and the healthy demo with what it installed.
"""

from __future__ import annotations

import pytest

from dind_doctor import __version__

from .readme import PLACEHOLDER_REPO, install_blocks, runnable

pytestmark = pytest.mark.topology

WORKDIR = "/builds/project"
CHECK = ["command -v dind-doctor", "dind-doctor --version", "dind-doctor demo healthy-tls --text"]
# where each block leaves the command (PATH as the block sets it)
INSTALLED_AT = {
    "pip": "/usr/local/python/bin/dind-doctor",
    "docker-cli": "/usr/local/python/bin/dind-doctor",
    "pipx": "/root/.local/bin/dind-doctor",
    "git": "/usr/local/python/bin/dind-doctor",
    "wheel": "/usr/local/bin/dind-doctor",
}
HEALTHY = "✓ The DinD chain is healthy: every link answered."


def test_the_readme_has_every_way_in():
    blocks = install_blocks()
    assert set(blocks) == {*INSTALLED_AT, "pipx-run"}
    assert PLACEHOLDER_REPO in blocks["git"] and PLACEHOLDER_REPO in blocks["wheel"]
    assert runnable(blocks["docker-cli"])[1] == ["apk add --no-cache python3 py3-pip"]
    assert all(not runnable(b)[1] for name, b in blocks.items() if name != "docker-cli")
    assert blocks["pipx"].splitlines()[0] == "pip install pipx"


def run_block(topology, job_python, name: str):
    script, _ = runnable(install_blocks()[name])
    if name == "pipx-run":  # "once pipx is there": pipx as the pipx block installs it
        script = install_blocks()["pipx"].splitlines()[0] + "\n" + script
    checks = [] if name == "pipx-run" else CHECK
    command = f"{job_python.setup} && mkdir -p {WORKDIR} && cd {WORKDIR} && sh -e /tmp/install.sh"
    files = {"/tmp/install.sh": script + "\n".join(checks) + "\n"}
    return topology.run_job(command, files=files, env=job_python.env(),
                            volumes=job_python.volumes, mount_certs=False, timeout=600)


@pytest.mark.parametrize("name", sorted(INSTALLED_AT))
def test_the_install_block_runs_in_a_fresh_job(topology, job_python, name):
    result = run_block(topology, job_python, name)
    assert result.exit_code == 0, str(result)
    lines = result.stdout.splitlines()
    assert INSTALLED_AT[name] in lines, str(result)
    assert f"dind-doctor {__version__}" in lines
    assert HEALTHY in lines


def test_pipx_run_needs_no_install(topology, job_python):
    result = run_block(topology, job_python, "pipx-run")
    assert result.exit_code == 0, str(result)
    assert HEALTHY in result.stdout.splitlines()
