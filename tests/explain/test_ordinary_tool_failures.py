"""Ordinary failures printed inside a Docker-in-Docker job: a test suite that failed in a
container, a package manager that could not install, a compiler error in ``docker build``.
Each is "not a DinD problem" and says what the log shows; none names a DinD failure mode.

The tools' wordings are the ones they print (test runners' summaries, package managers' and
compilers' errors), with other names, paths and counts."""

from __future__ import annotations

import pytest

from dind_doctor.explain import Verdict, explain_log

from .helpers import top_id

# a job that runs on a DinD service and reaches the daemon: nothing wrong on the DinD side
DIND_JOB = ("Using Docker executor with image docker:27 ...\n"
            "Starting service docker:27-dind ...\n"
            "$ docker info --format '{{.ServerVersion}}'\n27.3.1\n")
END = "ERROR: Job failed: exit code 1\n"


def _job(command: str, output: str) -> str:
    return f"{DIND_JOB}$ {command}\n{output.strip(chr(10))}\n{END}"


def _build(step: str, output: str, code: int = 1) -> str:
    """``docker build`` on the DinD service, the step's output under BuildKit's prefix."""
    lines = "\n".join(f"#9 {1.2 + i / 10:.3f} {line}" for i, line in enumerate(
        output.strip("\n").splitlines()))
    return _job("docker build -t registry.example.com/team/app:ci .",
                f"#9 [build 4/6] RUN {step}\n{lines}\n#9 ERROR: process \"/bin/sh -c {step}\" "
                f"did not complete successfully: exit code: {code}\n"
                f"ERROR: failed to solve: process \"/bin/sh -c {step}\" did not complete "
                f"successfully: exit code: {code}")


def _assert_not_dind(log: str, kind: str) -> None:
    expl = explain_log(log)
    assert expl.verdict is Verdict.NOT_DIND, [c.entry.id for c in expl.candidates]
    assert expl.candidates == []
    assert expl.shows and expl.shows[0].kind.id == kind, [s.kind.id for s in expl.shows]


TEST_RUNS = [
    # pytest
    ("docker compose run --rm app pytest -ra",
     "=========================== short test summary info ============================\n"
     "FAILED tests/api/test_orders.py::test_refund_is_idempotent - AssertionError\n"
     "= 2 failed, 311 passed, 4 skipped, 12 warnings in 48.02s ="),
    # unittest
    ("docker compose exec -T web python manage.py test",
     "Ran 57 tests in 3.412s\n\nFAILED (failures=2, errors=1)"),
    # Jest in a container
    ("docker run --rm app-tests npm test",
     "Test Suites: 1 failed, 11 passed, 12 total\nTests:       2 failed, 140 passed, 142 total\n"
     "npm ERR! Test failed.  See above for more details."),
    # mocha
    ("docker compose run --rm api npx mocha",
     "  1 passing (15ms)\n  1 failing\n\n"
     "  1) AuthController isAuthorized Should return false if not authorized:\n"
     "     AssertionError: false == -1"),
    # vitest
    ("docker compose run --rm front npx vitest run",
     " Test Files  2 failed | 297 passed (299)\n      Tests  3 failed | 8815 passed (8818)"),
    # go test
    ("docker run --rm -v $PWD:/src -w /src golang:1.22 go test ./...",
     "--- FAIL: TestParseConfig (0.00s)\n    config_test.go:41: got 3, want 4\n"
     "FAIL\nFAIL\texample.com/app/config\t0.012s"),
    # Maven Surefire
    ("docker run --rm maven:3.9-eclipse-temurin-21 mvn -B verify",
     "[ERROR] Tests run: 214, Failures: 1, Errors: 0, Skipped: 3\n"
     "[ERROR] There are test failures."),
    # Gradle
    ("docker compose run --rm backend ./gradlew test",
     "* What went wrong:\nExecution failed for task ':test'.\n"
     "> There were failing tests. See the report at: file:///workspace/build/reports/tests/"
     "test/index.html"),
    # RSpec
    ("docker compose run --rm rails bundle exec rspec",
     "Finished in 12.3 seconds (files took 2.1 seconds to load)\n"
     "240 examples, 2 failures"),
    # PHPUnit
    ("docker compose exec -T php vendor/bin/phpunit",
     "FAILURES!\nTests: 12, Assertions: 30, Failures: 2, Errors: 1."),
    # cargo test
    ("docker run --rm rust:1.80 cargo test",
     "failures:\n    tests::test_bad_add\n\n"
     "test result: FAILED. 448 passed; 8 failed; 0 ignored; 0 measured; 0 filtered out; "
     "finished in 0.64s\n\nerror: test failed, to rerun pass `--lib`"),
    # dotnet test
    ("docker run --rm mcr.microsoft.com/dotnet/sdk:8.0 dotnet test",
     "Failed!  - Failed:     4, Passed:    10, Skipped:     0, Total:    14, Duration: 2 s - "
     "PetClinic.Tests.Api.dll (net8.0)"),
    ("docker compose run --rm tests dotnet test",
     "Test Run Failed.\nTotal tests: 3052\n     Passed: 3007\n     Failed: 2\n    Skipped: 43"),
    # Playwright
    ("docker run --rm --ipc=host -v $PWD:/work -w /work mcr.microsoft.com/playwright:v1.47.0 "
     "npx playwright test",
     "  1 failed\n"
     "    [chromium] \u203a tests/health-timeline-css.spec.ts:2:1 \u203a health-timeline CSS "
     "classes have correct computed styles\n  4 passed (12.3s)"),
    # Cypress
    ("docker run --rm -v $PWD:/e2e -w /e2e cypress/included:13.6.0",
     "    \u2714  process.feature        00:23        6        6        -        -        -\n\n"
     "    \u2716  1 of 3 failed (33%)    01:20        15       14       1        -        -"),
]


@pytest.mark.parametrize(("command", "output"), TEST_RUNS)
def test_a_test_suite_that_failed_in_a_container_is_not_dind(command: str, output: str) -> None:
    _assert_not_dind(_job(command, output), "tests-failed")


INSTALLS = [
    # pip
    ("pip install --require-hashes -r requirements.txt",
     "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have "
     "updated the package versions, please update the hashes. Otherwise, examine the package "
     "contents carefully; someone may have tampered with them."),
    # apt
    ("apt-get install -y --no-install-recommends libpq-dev g++",
     "Reading package lists... Done\nBuilding dependency tree       \n"
     "Reading state information... Done\nE: Unable to locate package g++"),
    # apk
    ("apk add --no-cache nanop",
     "ERROR: unable to select packages:\n  nanop (no such package):\n"
     "    required by: world[nanop]"),
    # npm
    ("npm ci",
     "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\n"
     "npm ERR! Found: react@17.0.2"),
    ("npm ci",
     "npm ERR! code EINTEGRITY\nnpm ERR! sha512-30b4Rq== integrity checksum failed when using "
     "sha512: wanted sha512-30b4Rq== but got sha512-OCutwj=="),
    # composer
    ("composer install --no-interaction",
     "Loading composer repositories with package information\n"
     "Your requirements could not be resolved to an installable set of packages.\n\n"
     "  Problem 1\n    - Root composer.json requires symfony/framework-bundle ^6.4"),
    # Gradle
    ("./gradlew assemble",
     "* What went wrong:\nExecution failed for task ':compileJava'.\n"
     "> Could not resolve all files for configuration ':compileClasspath'.\n"
     "   > Could not find com.example:lib:1.0.0."),
    # Bundler
    ("bundle install --jobs 4",
     "Resolving dependencies...\n"
     "Bundler could not find compatible versions for gem \"activerecord\":\n"
     "  In snapshot (Gemfile.lock):\n    activerecord (= 5.2.6)"),
    # cargo
    ("cargo build --release --locked",
     "error: failed to select a version for the requirement `sha2 = \"^0.10.9\"`\n"
     "candidate versions found which didn't match: 0.10.8\nlocation searched: crates.io index"),
    # go mod
    ("go mod download",
     "github.com/acme/errors@v0.10.0: verifying module: checksum mismatch\n"
     "    downloaded: h1:6Dx/NCq+EgpXA1r6U5ux7BRjk7L0szgXtIoetdNRyPo=\n"
     "    sum.golang.org: h1:xGPT8WzPr9EJ+SHCasLtZ2mJ7drVxmfkyM6kjzHoAWo=\nSECURITY ERROR"),
]


@pytest.mark.parametrize(("command", "output"), INSTALLS)
def test_dependencies_a_package_manager_could_not_install_are_not_dind(command: str,
                                                                        output: str) -> None:
    _assert_not_dind(_job(f"docker run --rm builder {command}", output),
                     "dependencies-unresolved")


@pytest.mark.parametrize(("command", "output"), INSTALLS)
def test_the_same_install_failing_in_docker_build_is_not_dind(command: str, output: str) -> None:
    _assert_not_dind(_build(command, output), "dependencies-unresolved")


@pytest.mark.parametrize(("command", "output", "kind"), [
    # pip's own words for an index that has no such version (or could not be read)
    ("pip install -r requirements.txt",
     "ERROR: Could not find a version that satisfies the requirement foo-sdk==9.9 (from "
     "versions: none)\nERROR: No matching distribution found for foo-sdk==9.9",
     "download-failed"),
    # a TLS-intercepting proxy between the job and the package index
    ("pip install requests",
     "Could not fetch URL https://pypi.org/simple/requests/: There was a problem confirming the "
     "ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded "
     "with url: /simple/requests/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
     "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in "
     "certificate chain (_ssl.c:1123)'))) - skipping", "download-failed"),
    ("npm ci", "npm ERR! SELF_SIGNED_CERT_IN_CHAIN", "download-failed"),
    # a mirror (or a caching proxy) that serves an index other than the one it signed
    ("apt-get update",
     "E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/"
     "Packages.xz  Hash Sum mismatch", "download-failed"),
    ("yarn install --frozen-lockfile",
     "error An unexpected error occurred: \"https://registry.yarnpkg.com/react/-/react-18.2.0."
     "tgz: ESOCKETTIMEDOUT\".", "download-failed"),
])
def test_a_download_that_failed_in_a_package_manager_is_not_dind(command: str, output: str,
                                                                 kind: str) -> None:
    _assert_not_dind(_job(f"docker run --rm builder {command}", output), kind)


@pytest.mark.parametrize(("step", "output"), [
    # tsc
    ("npm run build",
     "src/components/carrier/TemplateDecision.tsx(797,7): error TS2322: Type 'string' is not "
     "assignable to type 'number'."),
    # webpack
    ("npm run build",
     "ERROR in ./src/pages/Categories/index.tsx 10:0-23\n"
     "Module not found: Error: Can't resolve 'jquery' in '/app/src/pages/Categories'\n"
     "webpack 5.91.0 compiled with 1 error in 5021 ms"),
    # javac under Maven
    ("mvn -B -q package -DskipTests",
     "[ERROR] COMPILATION ERROR : \n"
     "[ERROR] /app/src/main/java/com/example/api/RoleChangeResource.java:[48,56] cannot find "
     "symbol\n  symbol:   class ErrorDTO"),
    # javac under Gradle
    ("./gradlew build -x test",
     "FAILURE: Build failed with an exception.\n\n* What went wrong:\n"
     "Execution failed for task ':compileJava'.\n"
     "> Compilation failed; see the compiler error output for details."),
    # the Go compiler
    ("go build -o /out/app ./cmd/app",
     "# example.com/app/internal/net\n/src/internal/net/relay.go:10:2: undefined: "
     "relayHalfClose"),
    # gcc: a header the image lacks
    ("make",
     "gcc -O2 -c -o main.o main.c\n"
     "git-compat-util.h:306:10: fatal error: openssl/ssl.h: No such file or directory\n"
     " #include <openssl/ssl.h>\n          ^~~~~~~~~~~~~~~\ncompilation terminated.\n"
     "make: *** [Makefile:2489: fuzz-commit-graph.o] Error 1"),
    # rustc under cargo
    ("cargo build --release",
     "error[E0432]: unresolved import `rama_error::OpaqueError`\n"
     "  --> src/username/parse.rs:2:30\n"
     "error: could not compile `rama-core` (lib) due to 3 previous errors"),
])
def test_code_that_did_not_compile_in_docker_build_is_not_dind(step: str, output: str) -> None:
    _assert_not_dind(_build(step, output, code=2), "compile-failed")


def test_a_failed_test_suite_after_a_dind_warning_says_the_tests_failed() -> None:
    log = ("$ docker info\nWARNING: API is accessible on http://0.0.0.0:2375 without "
           "encryption.\n         Access to the remote API is equivalent to root access on the "
           "host.\n$ docker compose -f docker-compose.ci.yml run --rm php vendor/bin/phpunit\n"
           "FAILURES!\nTests: 33, Assertions: 44, Failures: 15.\n" + END)
    _assert_not_dind(log, "tests-failed")


@pytest.mark.parametrize(("command", "output", "kind"), [
    ("dotnet restore",
     "/src/MyConsoleApplication.csproj : error NU1101: Unable to find package MyOwn.EmailService."
     " No packages exist with this id in source(s): nuget.org", "dependencies-unresolved"),
    ("poetry install --no-root",
     "Because traceflow depends on types-jsonpath-ng (*) which doesn't match any versions, "
     "version solving failed.", "dependencies-unresolved"),
    ("uv pip install -r requirements.txt",
     "  \u00d7 No solution found when resolving dependencies:\n"
     "  \u2570\u2500\u25b6 Because there is no version of langgraph==0.1.0 and you require "
     "langgraph==0.1.0,\n      we can conclude that your requirements are unsatisfiable.",
     "dependencies-unresolved"),
    ("pnpm install --frozen-lockfile",
     "ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/no-such-pkg: Not Found - 404",
     "dependencies-unresolved"),
    ("npm ci",
     "npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/draw.io-cli - "
     "Not found\nnpm ERR! 404 \nnpm ERR! 404  'draw.io-cli@*' is not in this registry.",
     "dependencies-unresolved"),
    ("dnf install -y policycoreutils-python",
     "No match for argument: policycoreutils-python\n"
     "Error: Unable to find a match: policycoreutils-python", "dependencies-unresolved"),
    ("curl -fsSLO https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl",
     "curl: (60) SSL certificate problem: self-signed certificate in certificate chain\n"
     "More details here: https://curl.se/docs/sslcerts.html", "download-failed"),
])
def test_more_package_managers_failing_in_a_job_or_a_build_are_not_dind(command: str,
                                                                         output: str,
                                                                         kind: str) -> None:
    _assert_not_dind(_job(f"docker run --rm builder {command}", output), kind)
    _assert_not_dind(_build(command, output), kind)


@pytest.mark.parametrize(("step", "output"), [
    ("pytest -q",
     "FAILED tests/test_db.py::test_insert - AssertionError\n"
     "= 1 failed, 656 passed, 36 warnings in 61.15s (0:01:01) ="),
    ("go test ./...",
     "--- FAIL: TestParseConfig (0.00s)\n    config_test.go:41: got 3, want 4\n"
     "FAIL\texample.com/app/config\t0.012s"),
    ("yarn test --ci",
     "Tests:       1 failed, 20 passed, 21 total"),
])
def test_tests_that_failed_in_a_dockerfile_step_are_not_dind(step: str, output: str) -> None:
    _assert_not_dind(_build(step, output), "tests-failed")


# a TLS-intercepting proxy: the job's tools meet a certificate they do not trust, in a job
# whose log also shows the (TLS) Docker endpoint
TLS_ENDPOINT = ("Using Docker executor with image docker:27 ...\n"
                "Starting service docker:27-dind ...\n"
                "$ export DOCKER_HOST=tcp://docker:2376\n"
                "$ docker info --format '{{.ServerVersion}}'\n27.3.1\n")


@pytest.mark.parametrize(("command", "output", "kind"), [
    # Gradle names the server a few lines above the TLS error, in its chain of causes
    ("./gradlew build",
     "* What went wrong:\nExecution failed for task ':compileJava'.\n"
     "> Could not resolve all files for configuration ':compileClasspath'.\n"
     "   > Could not resolve org.springframework.boot:spring-boot-starter-webflux:3.3.3.\n"
     "     Required by:\n         project :\n"
     "      > Could not resolve org.springframework.boot:spring-boot-starter-webflux:3.3.3.\n"
     "         > Could not get resource 'https://repo.maven.apache.org/maven2/org/"
     "springframework/boot/spring-boot-starter-webflux/3.3.3/spring-boot-starter-webflux-3.3.3"
     ".pom'.\n"
     "            > Could not GET 'https://repo.maven.apache.org/maven2/org/springframework/boot"
     "/spring-boot-starter-webflux/3.3.3/spring-boot-starter-webflux-3.3.3.pom'.\n"
     "               > Got SSL handshake exception during request. It might be caused by SSL "
     "misconfiguration\n"
     "                  > PKIX path building failed: sun.security.provider.certpath."
     "SunCertPathBuilderException: unable to find valid certification path to requested target",
     "dependencies-unresolved"),
    # pip's retries name the index path, not the host
    ("pip install -r requirements.txt",
     "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) "
     "after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: "
     "CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
     "certificate (_ssl.c:1002)'))': /simple/openai-whisper/\n"
     "ERROR: Could not find a version that satisfies the requirement openai-whisper",
     "dependencies-unresolved"),
    # a test that calls an outside HTTPS API through the proxy
    ("docker compose run --rm app pytest",
     "E       requests.exceptions.SSLError: HTTPSConnectionPool(host='ssr2.scrape.center', "
     "port=443): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError("
     "1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate "
     "in certificate chain (_ssl.c:1129)')))\n"
     "FAILED tests/test_scrape.py::test_home - requests.exceptions.SSLError\n"
     "==== 1 failed, 9 passed in 2.30s ====", "tests-failed"),
])
def test_a_tls_proxy_in_front_of_another_server_is_not_the_daemons_tls(command: str,
                                                                        output: str,
                                                                        kind: str) -> None:
    _assert_not_dind(f"{TLS_ENDPOINT}$ {command}\n{output}\n{END}", kind)


UP = "docker compose -f docker-compose.test.yml up --abort-on-container-exit --exit-code-from app"


@pytest.mark.parametrize("output", [
    "app-1  | =========================== short test summary info ============================\n"
    "app-1  | FAILED tests/test_event_db.py::test_false - assert False\n"
    "app-1  | ========================= 1 failed, 2 passed in 0.48s ==========================",
    "app-1     | --- FAIL: TestParseConfig (0.00s)\n"
    "app-1     | FAIL\texample.com/app/config\t0.012s",
    "app-1  | FAILURES!\napp-1  | Tests: 12, Assertions: 30, Failures: 2, Errors: 1.",
    "app_1  |   1 failed\n"
    "app_1  |     [chromium] \u203a e2e/smoke.spec.ts:554:3 \u203a batch view (D103)\n"
    "app_1  |   15 passed (13.0s)",
])
def test_tests_that_failed_in_a_compose_service_are_not_dind(output: str) -> None:
    log = (f"{DIND_JOB}$ {UP}\nAttaching to app-1, db-1\n{output}\napp-1 exited with code 1\n"
           f"Aborting on container exit...\n{END}")
    _assert_not_dind(log, "tests-failed")


# the job's own tools (not a container or a build on the daemon) on the job's own network
OWN_NETWORK = [
    ("apt-get update && apt-get install -y curl",
     "Err:1 http://deb.debian.org/debian bookworm InRelease\n"
     "  Temporary failure resolving 'deb.debian.org'\n"
     "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary "
     "failure resolving 'deb.debian.org'\nE: Unable to locate package curl"),
    ("apk add --no-cache curl",
     "fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\n"
     "WARNING: updating and opening https://dl-cdn.alpinelinux.org/alpine/v3.19/main: DNS "
     "lookup error\nERROR: unable to select packages:\n  curl (no such package):\n"
     "    required by: world[curl]"),
    ("kubectl -n staging get secret app-env",
     "Unable to connect to the server: net/http: TLS handshake timeout"),
    ("go build ./cmd/adotools",
     "go: downloading github.com/spf13/cobra v1.6.1\nadotools/cmd imports\n"
     "        github.com/spf13/cobra: github.com/spf13/cobra@v1.6.1: Get \"https://proxy.golang."
     "org/github.com/spf13/cobra/@v/v1.6.1.zip\": proxyconnect tcp: dial tcp: lookup "
     "my.corp.proxy.com: i/o timeout"),
]


@pytest.mark.parametrize(("command", "output"), OWN_NETWORK)
def test_a_lookup_or_handshake_the_jobs_own_tool_failed_is_not_dind_dns_or_mtu(
        command: str, output: str) -> None:
    expl = explain_log(f"{TLS_ENDPOINT}$ {command}\n{output}\n{END}")
    assert expl.verdict is Verdict.NOT_DIND, [c.entry.id for c in expl.candidates]


@pytest.mark.parametrize(("command", "output"), OWN_NETWORK[:2])
def test_the_same_lookup_in_a_container_on_the_daemon_is_nested_dns(command: str,
                                                                    output: str) -> None:
    log = f"{TLS_ENDPOINT}$ docker run --rm debian:bookworm sh -c '{command}'\n{output}\n{END}"
    assert top_id(log) == "nested-dns"


def test_the_daemons_pull_through_a_proxy_it_cannot_reach_is_still_dind() -> None:
    log = (f"{TLS_ENDPOINT}$ docker pull ubuntu\nError response from daemon: failed to resolve "
           "reference \"docker.io/library/ubuntu:latest\": failed to do request: Head \"https://"
           "registry-1.docker.io/v2/library/ubuntu/manifests/latest\": proxyconnect tcp: dial "
           f"tcp: lookup proxy1.home.local on 172.24.96.1:53: no such host\n{END}")
    assert top_id(log) == "proxy-not-propagated"
