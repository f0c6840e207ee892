"""The engine reads the job's own .gitlab-ci.yml, so static and live facts meet in one report."""

from dind_doctor.probes.engine import ConfigFiles, collect

CI = """\
# a job as users write it
build:
  image: docker:27-cli
  services:
    - name: docker:27-dind
      alias: dind
  variables:
    DOCKER_HOST: tcp://docker:2375
  script: [docker info]
"""


def test_ci_file_in_the_project_dir_is_collected(tmp_path):
    (tmp_path / ".gitlab-ci.yml").write_text(CI)
    facts = collect(3, environ={"CI_PROJECT_DIR": str(tmp_path),
                                "DOCKER_HOST": "tcp://127.0.0.1:9"}, settle=0)
    assert facts.ci_file is not None and facts.ci_file.error is None
    assert facts.ci_file.path == str(tmp_path / ".gitlab-ci.yml")
    assert facts.runner_config is None or facts.runner_config.path != str(tmp_path)


def test_no_files_means_no_static_facts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    facts = collect(3, environ={"DOCKER_HOST": "tcp://127.0.0.1:9", "HOME": str(tmp_path)},
                    settle=0)
    assert facts.ci_file is None


def test_explicit_missing_file_is_a_fact_not_a_crash(tmp_path):
    facts = collect(3, environ={"DOCKER_HOST": "tcp://127.0.0.1:9"}, settle=0,
                    config_files=ConfigFiles(ci_file=str(tmp_path / "nope.yml")))
    assert facts.ci_file is not None and facts.ci_file.error
    assert facts.probe_errors == []
