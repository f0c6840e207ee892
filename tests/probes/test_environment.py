"""Environment probe helpers: PID 1's environment, the job's merged environment."""

from dind_doctor.probes.environment import job_environ, read_pid1_environ, relevant_vars


def test_debug_shell_takes_the_entrypoint_exports_from_pid1():
    own = {"DOCKER_TLS_CERTDIR": "/certs", "PATH": "/bin"}
    pid1 = {**own, "DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": "/certs/client", "UNRELATED": "x"}
    merged, taken = job_environ(own, pid1)
    assert taken == ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"]
    assert merged["DOCKER_HOST"] == "tcp://docker:2376"
    assert "UNRELATED" not in merged


def test_own_values_win_over_pid1():
    merged, taken = job_environ({"DOCKER_HOST": "tcp://docker:2375"},
                                {"DOCKER_HOST": "tcp://docker:2376"})
    assert taken == [] and merged["DOCKER_HOST"] == "tcp://docker:2375"


def test_pid1_environ_file_is_parsed(tmp_path):
    path = tmp_path / "environ"
    path.write_bytes(b"A=1\0DOCKER_HOST=tcp://docker:2376\0BROKEN\0B=x=y\0")
    assert read_pid1_environ(str(path)) == {"A": "1", "DOCKER_HOST": "tcp://docker:2376",
                                            "B": "x=y"}
    assert read_pid1_environ(str(tmp_path / "missing")) == {}


def test_relevant_vars_redacts_secrets_and_drops_the_rest():
    out = relevant_vars({"CI_JOB_TOKEN": "glrt-secret", "DOCKER_HOST": "tcp://docker:2376",
                         "EDITOR": "vi", "HTTPS_PROXY": "http://u:pw@proxy:3128"})
    assert out["CI_JOB_TOKEN"] == "[redacted]"
    assert "EDITOR" not in out
    assert "pw" not in out["HTTPS_PROXY"]
