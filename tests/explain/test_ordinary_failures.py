"""Jobs that use Docker-in-Docker but failed (or only warned) for an ordinary reason: a
registry that refused the credentials or the push, an image or tag that does not exist, a
deploy tool that failed after the build, the runner's own artifact, cache, log and timeout
failures. None of them may come out as a DinD failure mode; each excerpt's wording is a
client's, registry's or runner's own, as users pasted it."""

from __future__ import annotations

import pytest

from dind_doctor.explain import Verdict, explain_log

from .helpers import top_id

END = "ERROR: Job failed: exit code 1\n"
DIND = ("Running with gitlab-runner 16.11.0 (abc)\nPreparing the \"docker\" executor\n"
        "Using Docker executor with image docker:24.0 ...\nStarting service docker:24.0-dind ...\n"
        "Waiting for services to be up and running (timeout 30 seconds)...\n")


def not_dind(log: str, kind: str | None = None) -> None:
    expl = explain_log(log)
    assert expl.verdict is Verdict.NOT_DIND, (expl.verdict, [c.entry.id for c in
                                                            explain_log(log).candidates])
    assert expl.candidates == []
    if kind is not None:
        assert [s.kind.id for s in expl.shows][:1] == [kind], [s.kind.id for s in expl.shows]


# --- registries refusing the login, the pull or the push --------------------------------

LOGIN_REFUSED = [
    # GitLab registry with CI_REGISTRY_* / CI_JOB_TOKEN
    "$ docker login -u \"$CI_REGISTRY_USER\" -p \"$CI_REGISTRY_PASSWORD\" $CI_REGISTRY\n"
    "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"
    "Error response from daemon: Get \"https://registry.gitlab.com/v2/\": unauthorized: HTTP "
    "Basic: Access denied. If a password was provided for Git authentication, the password was "
    "incorrect or you're required to use a token instead of a password.\n",
    "$ docker login -u gitlab-ci-token -p $CI_JOB_TOKEN registry.example.com\n"
    "Error response from daemon: login attempt to https://registry.example.com/v2/ failed with "
    "status: 401 Unauthorized\n",
    # Docker Hub
    "$ echo \"$DOCKERHUB_TOKEN\" | docker login -u \"$DOCKERHUB_USER\" --password-stdin\n"
    "Error response from daemon: Get https://registry-1.docker.io/v2/: unauthorized: incorrect "
    "username or password\n",
    # ACR
    "$ docker login myregistry.azurecr.io -u $ACR_USER -p $ACR_PASSWORD\n"
    "Error response from daemon: Get https://myregistry.azurecr.io/v2/: unauthorized: "
    "authentication required\n",
    # GHCR
    "$ echo $GHCR_TOKEN | docker login ghcr.io -u bot --password-stdin\n"
    "Error response from daemon: Get \"https://ghcr.io/v2/\": denied: denied\n",
    # ECR: a token that does not decode to the registry's credentials
    "$ aws ecr get-login-password | docker login --password-stdin --username AWS \"$ecr_url\"\n"
    "Error response from daemon: login attempt to https://000000000000.dkr.ecr.us-east-1."
    "amazonaws.com/v2/ failed with status: 400 Bad Request\n",
    # ECR: AWS CLI v1 `get-login` prints `-e none`, which Docker 17.06+ no longer accepts
    "$ $(aws ecr get-login --region eu-west-1)\nunknown shorthand flag: 'e' in -e\n"
    "See 'docker login --help'.\n",
    # the credential helper named in config.json could not store the login
    "$ aws ecr get-login-password --region ap-south-1 | docker login --username AWS "
    "--password-stdin 992382670122.dkr.ecr.ap-south-1.amazonaws.com\nError saving credentials: "
    "error storing credentials - err: exec: \"docker-credential-desktop\": executable file not "
    "found in $PATH, out: ``\n",
]


@pytest.mark.parametrize("step", LOGIN_REFUSED)
def test_a_registry_refusing_docker_login_is_not_dind(step: str) -> None:
    not_dind(DIND + step + END, "registry-login-refused")


ECR_LOGIN = ("$ aws ecr get-login-password --region us-east-1 | docker login --username AWS "
             "--password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\n"
             "WARNING! Your password will be stored unencrypted in /root/.docker/config.json.\n"
             "Login Succeeded\n")

PUSH_REFUSED = [
    # AWS ECR: the job logged in to one account's registry and pushes to another's
    ECR_LOGIN +
    "$ docker push 210987654321.dkr.ecr.us-east-1.amazonaws.com/my-app:latest\n"
    "The push refers to repository [210987654321.dkr.ecr.us-east-1.amazonaws.com/my-app]\n"
    "6403477052d0: Preparing\na2ae92ffcd29: Preparing\nno basic auth credentials\n",
    ECR_LOGIN +
    "$ docker pull 123456789012.dkr.ecr.eu-west-1.amazonaws.com/base:1.4\n"
    "Error response from daemon: Head \"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/"
    "base/manifests/1.4\": no basic auth credentials\n",
    # Harbor
    "$ docker push harbor.example.com/myapp/mysql:8\n"
    "The push refers to repository [harbor.example.com/myapp/mysql]\n937b60713374: Preparing\n"
    "unauthorized: unauthorized to access repository: myapp/mysql, action: push: unauthorized "
    "to access repository: myapp/mysql, action: push\n",
    # Artifact Registry / GCR
    "$ docker push europe-west1-docker.pkg.dev/proj-1/repo/app:latest\n"
    "The push refers to repository [europe-west1-docker.pkg.dev/proj-1/repo/app]\n"
    "321ff832afd2: Preparing\ndenied: Permission \"artifactregistry.repositories.uploadArtifacts\""
    " denied on resource \"projects/proj-1/locations/europe-west1/repositories/repo\" (or it may "
    "not exist)\n",
    "$ docker push gcr.io/my-proj/installer\nUsing default tag: latest\n"
    "The push refers to repository [gcr.io/my-proj/installer]\n581bf958b3be: Preparing\n"
    "unauthorized: You don't have the needed permissions to perform this operation, and you may "
    "have invalid credentials. To authenticate your request, follow the steps in: "
    "https://cloud.google.com/container-registry/docs/advanced-authentication\n",
    # GHCR with a token that may not write the package
    "$ docker push ghcr.io/org/app:1.0\nThe push refers to repository [ghcr.io/org/app]\n"
    "fecdbc4471ce: Preparing\ndenied: installation not allowed to Write organization package\n",
    "$ docker buildx build --push -t ghcr.io/org/relay:1.0 .\n"
    "#15 ERROR: denied: permission_denied: write_package\n"
    "ERROR: denied: permission_denied: write_package\n",
    # ACR push after az acr login
    "$ docker push myregistry.azurecr.io/billing:1.0\n"
    "unauthorized: authentication required, visit https://aka.ms/acr/authorization for more "
    "information.\n",
    # Quay: a robot account without write access to the repository
    "$ docker login quay.io -u \"org+ci\" -p $QUAY_TOKEN\nLogin Succeeded\n"
    "$ docker push quay.io/jaegertracing/example-hotrod\nUsing default tag: latest\n"
    "The push refers to repository [quay.io/jaegertracing/example-hotrod]\n"
    "a93b60b49a79: Preparing\nunauthorized: access to the requested resource is not authorized\n",
    # Nexus: the login was to the repository connector's port, the push names another host
    "$ docker login nexus.example.com:8083 -u $NEXUS_USER -p $NEXUS_PASSWORD\nLogin Succeeded\n"
    "$ docker push nexus.example.com:8082/app:1.0\n"
    "The push refers to repository [nexus.example.com:8082/app]\ndbfb506952bc: Preparing\n"
    "no basic auth credentials\n",
    # BuildKit's push: the registry or its token service answered 403 / 401
    "$ docker buildx build --push -t ghcr.io/heavyg/auth:develop .\nERROR: failed to push "
    "ghcr.io/heavyg/auth:develop: unexpected status from HEAD request to https://ghcr.io/v2/heavyg/"
    "auth/blobs/sha256:0f1e: 403 Forbidden\n",
    "$ echo $HUB_TOKEN | docker login -u bot --password-stdin\nLogin Succeeded\n"
    "$ docker buildx build --push -t bot/app:1 .\nERROR: failed to build: failed to solve: failed "
    "to fetch oauth token: unexpected status from GET request to https://auth.docker.io/token?"
    "scope=repository%3Abot%2Fapp%3Apull%2Cpush&service=registry.docker.io: 401 Unauthorized\n",
    # the job's own login, then a push the registry refuses without naming why
    ECR_LOGIN + "$ docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\n"
    "unauthorized: authentication required\n",
    # GitLab registry: the job token may not read another project's images
    # ECR: logged in with the CLI v1 command, pulled from another region's registry
    "$ $(aws ecr get-login --region cn-northwest-1 --no-include-email)\nWARNING! Using "
    "--password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded\n"
    "$ docker run 937788672844.dkr.ecr.cn-northwest-1.amazonaws.com.cn/c9-ide:full\n"
    "Unable to find image '937788672844.dkr.ecr.cn-northwest-1.amazonaws.com.cn/c9-ide:full' "
    "locally\ndocker: Error response from daemon: Get https://937788672844.dkr.ecr.cn-northwest"
    "-1.amazonaws.com.cn/v2/c9-ide/manifests/full: no basic auth credentials.\n"
    "See 'docker run --help'.\n",
    "$ docker login -u gitlab-ci-token -p $CI_JOB_TOKEN registry.gitlab.com\nLogin Succeeded\n"
    "$ docker pull registry.gitlab.com/org/repo:tag\nError response from daemon: Get "
    "https://registry.gitlab.com/v2/org/repo/manifests/tag: denied: access forbidden\n",
]


@pytest.mark.parametrize("step", PUSH_REFUSED)
def test_a_registry_refusing_the_pull_or_push_is_not_dind(step: str) -> None:
    not_dind(DIND + step + END)


@pytest.mark.parametrize("step", PUSH_REFUSED[:-1])
def test_a_refused_pull_or_push_shows_the_registrys_refusal(step: str) -> None:
    not_dind(DIND + step + END, "registry-access-refused")


IMAGE_MISSING = [
    "$ docker pull myorg/app:1.2.3\nError response from daemon: manifest for myorg/app:1.2.3 "
    "not found: manifest unknown: manifest unknown\n",
    "$ docker pull registry.example.com/group/app:v9\nError response from daemon: manifest for "
    "registry.example.com/group/app:v9 not found: manifest unknown: manifest unknown\n",
    "$ docker run --rm $IMAGE:$CI_COMMIT_SHORT_SHA\ndocker: invalid reference format.\n"
    "See 'docker run --help'.\n",
    "$ docker build -t $CI_REGISTRY_IMAGE:$TAG .\nERROR: invalid tag "
    "\"registry.gitlab.com/Group/App:\": invalid reference format\n",
    "$ docker pull myuser/myrepo\nError response from daemon: pull access denied for "
    "myuser/myrepo, repository does not exist or may require 'docker login': denied: requested "
    "access to the resource is denied\n",
    "$ docker pull arm64v8/app:1.0\nError response from daemon: no matching manifest for "
    "linux/amd64 in the manifest list entries\n",
    "$ docker pull registry.local:5000/tools/lint:2\nError response from daemon: "
    "name unknown: repository name not known to registry\n",
    "$ docker push registry.example.com/group/app\nUsing default tag: latest\n"
    "The push refers to repository [registry.example.com/group/app]\n"
    "An image does not exist locally with the tag: registry.example.com/group/app\n",
    # a registry (or the proxy in front of it) answering 404 with an HTML page
    "$ docker pull docker.example.net/rocket/smb:2017\nError response from daemon: error parsing "
    "HTTP 404 response body: invalid character '<' looking for beginning of value: \"<!DOCTYPE "
    "HTML PUBLIC \\\"-//W3C//DTD HTML 3.2 Final//EN\\\">\\n<title>404 Not Found</title>\\n\"\n",
    "$ docker push $ECR_REPO:develop\n"
    "The push refers to repository [123456789012.dkr.ecr.us-east-1.amazonaws.com/app]\n"
    "tag does not exist: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:develop\n",
    "$ docker build -t app .\n#3 [internal] load metadata for docker.io/library/node:99\n"
    "#3 ERROR: docker.io/library/node:99: not found\nERROR: failed to solve: node:99: failed to "
    "resolve source metadata for docker.io/library/node:99: docker.io/library/node:99: not "
    "found\n",
]


@pytest.mark.parametrize("step", IMAGE_MISSING)
def test_an_image_or_tag_that_does_not_exist_is_not_dind(step: str) -> None:
    not_dind(DIND + step + END, "image-not-found")


def test_an_image_for_another_platform_is_not_dind() -> None:
    # the warning, then the binary that cannot run
    step = ("$ docker run --rm app:arm64 ./test.sh\nWARNING: The requested image's platform "
            "(linux/arm64/v8) does not match the detected host platform (linux/amd64) and no "
            "specific platform was requested\nexec /usr/local/bin/test.sh: exec format error\n")
    not_dind(DIND + step + END, "wrong-platform")


# Helm and other registry clients ask the registry themselves: no daemon to inherit anything
HELM_OCI = [
    "$ helm install hero-php-test oci://myregistry.azurecr.io/helm/hero-php --version 0.2.1\n"
    "Error: INSTALLATION FAILED: failed to authorize: failed to fetch anonymous token: unexpected "
    "status: 401 Unauthorized\n",
    "$ helm upgrade --install --wait logging-operator oci://ghcr.io/kube-logging/helm-charts/"
    "logging-operator\nRelease \"logging-operator\" does not exist. Installing it now.\n"
    "Error: failed to authorize: failed to fetch anonymous token: unexpected status from GET "
    "request to https://ghcr.io/token?scope=repository%3Akube-logging%2Fhelm-charts%2Flogging-"
    "operator%3Apull&service=ghcr.io: 403 Forbidden\n",
    "$ helm push gateway-crds-helm-v0.0.0-latest.tgz oci://docker.io/envoyproxy\nError: failed "
    "to authorize: failed to fetch oauth token: unexpected status from GET request to "
    "https://auth.docker.io/token?scope=repository%3Aenvoyproxy%2Fgateway-crds-helm%3Apull%2Cpush"
    "&service=registry.docker.io: 401 Unauthorized\n",
    "$ helm pull oci://myregistry.azurecr.io/charts/app --version 1.2.0 --untar\nError: "
    "unexpected status from HEAD request to https://myregistry.azurecr.io/v2/charts/app/"
    "manifests/1.2.0: 401 Unauthorized\n",
]


@pytest.mark.parametrize("step", HELM_OCI)
def test_helm_refused_by_an_oci_registry_is_not_dind(step: str) -> None:
    not_dind(DIND + BUILT + step + END)


# --- deploy tools after a successful build ----------------------------------------------

BUILT = ("$ docker build -t $IMAGE .\nSuccessfully built 8a9d4d126c15\n"
         "Successfully tagged registry.example.com/app:1.0\n$ docker push $IMAGE\n"
         "1.0: digest: sha256:4f1e3c size: 1780\n")

DEPLOYS = [
    "$ kubectl apply -f k8s/\nerror: You must be logged in to the server (Unauthorized)\n",
    "$ kubectl -n prod set image deploy/app app=$IMAGE\nerror: You must be logged in to the "
    "server (the server has asked for the client to provide credentials)\n",
    "$ kubectl apply -f deployment.yml\nError from server (Forbidden): deployments.apps \"app\" "
    "is forbidden: User \"system:serviceaccount:ci:deployer\" cannot patch resource "
    "\"deployments\" in API group \"apps\" in the namespace \"prod\"\n",
    "$ helm upgrade --install app ./chart --wait\n"
    "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n",
    "$ terraform apply -auto-approve\n"
    "Error: error configuring Terraform AWS Provider: no valid credential sources for Terraform "
    "AWS Provider found.\n\nPlease see https://registry.terraform.io/providers/hashicorp/aws\n"
    "for more information about providing credentials.\n",
    "$ terraform plan\n╷\n│ Error: No valid credential sources found\n│\n│   with provider["
    "\"registry.terraform.io/hashicorp/aws\"],\n│   on main.tf line 1, in provider \"aws\":\n╵\n",
    "$ scp -r dist/ deploy@$HOST:/srv/app\nHost key verification failed.\nlost connection\n",
    "$ rsync -avz dist/ deploy@$HOST:/srv/app\nHost key verification failed.\n"
    "rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n"
    "rsync error: unexplained error (code 255) at io.c(231) [sender=3.2.7]\n",
    "$ ansible-playbook -i inventory deploy.yml\nTASK [Gathering Facts] ***********\n"
    "fatal: [203.0.113.7]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to "
    "the host via ssh: deploy@203.0.113.7: Permission denied (publickey,password).\", "
    "\"unreachable\": true}\n",
]


@pytest.mark.parametrize(("kind", "step"), [
    *(("deploy-refused", step) for step in DEPLOYS[:3]),
    *(("deploy-failed", step) for step in DEPLOYS[3:]),
])
def test_a_deploy_tool_failing_after_the_build_is_not_dind(kind: str, step: str) -> None:
    not_dind(DIND + BUILT + step + END, kind)


CLOUD_CLIS = [
    "$ aws ecr get-login-password --region us-east-1 | docker login --username AWS "
    "--password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\nUnable to locate "
    "credentials. You can configure credentials by running \"aws configure\".\n"
    "Error: Cannot perform an interactive login from a non TTY device\n",
    "$ aws ecr get-login-password --region us-east-1 | docker login --username AWS "
    "--password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\nAn error occurred "
    "(AccessDeniedException) when calling the GetAuthorizationToken operation: User: "
    "arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken "
    "on resource: *\nError: Cannot perform an interactive login from a non TTY device\n",
    "$ gcloud auth activate-service-account --key-file=$HOME/gcloud.json\nERROR: (gcloud.auth."
    "activate-service-account) Unable to read file [HOME/gcloud.json]\n",
    "$ az acr login --name myregistry\nERROR: Please run 'az login' to setup account.\n",
]


@pytest.mark.parametrize("step", CLOUD_CLIS)
def test_a_cloud_cli_without_valid_credentials_is_not_dind(step: str) -> None:
    not_dind(DIND + step + END, "cloud-cli-failed")


# kubectl and Helm that cannot reach the cluster, ssh that cannot reach the deploy host: the
# words overlap with DinD's (connection refused, a name that does not resolve), the client is not
# Docker's
UNREACHED_TARGETS = [
    "$ kubectl apply -f k8s/\nThe connection to the server localhost:8080 was refused - did you "
    "specify the right host or port?\n",
    "$ helm upgrade --install app ./chart\nError: Kubernetes cluster unreachable: Get "
    "\"http://localhost:8080/version\": dial tcp 127.0.0.1:8080: connect: connection refused\n",
    "$ kubectl get pods\nUnable to connect to the server: dial tcp: lookup kubernetes on "
    "10.0.0.2:53: no such host\n",
    "$ kubectl get pods\nUnable to connect to the server: dial tcp: lookup FD981C5BDE01D3672C2EB"
    "218B9DE462.gr7.ap-northeast-2.eks.amazonaws.com on 10.0.0.2:53: no such host\n",
    "$ kubectl apply -f k8s/\nUnable to connect to the server: dial tcp 10.146.34.10:443: i/o "
    "timeout\n",
    "$ ssh deploy@$HOST 'docker compose pull && docker compose up -d'\n"
    "ssh: connect to host 203.0.113.7 port 22: Connection refused\n",
    "$ ssh deploy@prodhost 'docker compose up -d'\n"
    "ssh: Could not resolve hostname prodhost: Name or service not known\n",
    "$ helm upgrade --install app ./chart\nError: Kubernetes cluster unreachable: Get \"https://"
    "lke621819.api.us-ord.linodelke.net:6443/version\": net/http: TLS handshake timeout\n",
    # DOCKER_HOST=ssh://: the Docker client's daemon is the deploy host, reached over ssh
    "$ docker -H ssh://deploy@51.20.52.201 compose up -d\nerror during connect: Get "
    "\"http://docker.example.com/v1.47/containers/json\": command [ssh -l deploy -o "
    "ConnectTimeout=30 -T -- 51.20.52.201 docker system dial-stdio] has exited with exit status "
    "255, make sure the URL is valid, and Docker 18.09 or later is installed on the remote host: "
    "stderr=ssh: connect to host 51.20.52.201 port 22: Connection refused\n",
    "$ ssh deploy@$HOST 'docker compose up -d'\nWarning: Permanently added '203.0.113.7' (ECDSA)"
    " to the list of known hosts.\ndeploy@203.0.113.7: Permission denied (publickey,gssapi-keyex,"
    "gssapi-with-mic).\n",
]


@pytest.mark.parametrize("step", UNREACHED_TARGETS)
def test_a_cluster_or_deploy_host_that_cannot_be_reached_is_not_dind(step: str) -> None:
    not_dind(DIND + BUILT + step + END, "deploy-failed")


def test_a_daemon_missing_on_the_deploy_host_over_ssh_is_not_dind() -> None:
    step = ("$ ssh deploy@$HOST 'docker compose up -d'\nCannot connect to the Docker daemon at "
            "unix:///var/run/docker.sock. Is the docker daemon running?\n")
    not_dind(DIND + BUILT + step + END)


# --- the runner's own failures -----------------------------------------------------------

RUNNER_HEAD = ("Running with gitlab-runner 16.11.0 (abc)\nPreparing the \"docker\" executor\n"
               "Using Docker executor with image {image} ...\nStarting service docker:24.0-dind ..."
               "\nPulling docker image {image} ...\n")

RUNNER_PULLS = [
    ("image-not-found", "registry.example.com/ci/builder:latest",
     "WARNING: Failed to pull image with policy \"always\": Error response from daemon: manifest "
     "for registry.example.com/ci/builder:latest not found: manifest unknown: manifest unknown "
     "(manager.go:237:0s)\nERROR: Job failed: failed to pull image \"registry.example.com/ci/"
     "builder:latest\" with specified policies [always]: Error response from daemon: manifest for "
     "registry.example.com/ci/builder:latest not found: manifest unknown: manifest unknown "
     "(manager.go:237:0s)\n"),
    ("image-not-found", "phiz",
     "ERROR: Job failed: failed to pull image \"phiz\" with specified policies [always]: Error "
     "response from daemon: pull access denied for phiz, repository does not exist or may "
     "require 'docker login': denied: requested access to the resource is denied "
     "(manager.go:250:1s)\n"),
    ("image-not-found", "ghcr.io/secobserve/secobserve-scanners:2026_01",
     "ERROR: Job failed: failed to pull image \"ghcr.io/secobserve/secobserve-scanners:2026_01\" "
     "with specified policies [always]: Error response from daemon: no matching manifest for "
     "linux/arm64/v8 in the manifest list entries: no match for platform in manifest: not found "
     "(manager.go:237:0s)\n"),
    ("registry-access-refused", "gcr.io/my-project/my-image:x1",
     "ERROR: Preparation failed: failed to pull image \"gcr.io/my-project/my-image:x1\" with "
     "specified policies [always]: Error response from daemon: unauthorized: You don't have the "
     "needed permissions to perform this operation, and you may have invalid credentials. To "
     "authenticate your request, follow the steps in: https://cloud.google.com/container-registry"
     "/docs/advanced-authentication (docker.go:147:0s)\n"),
    ("registry-access-refused", "docker-proxy.example.io/alpine/git:v2.34.2",
     "ERROR: Job failed: failed to pull image \"docker-proxy.example.io/alpine/git:v2.34.2\" with "
     "specified policies [always]: Error response from daemon: Head \"https://docker-proxy.example"
     ".io/v2/alpine/git/manifests/v2.34.2\": no basic auth credentials (manager.go:237:0s)\n"),
]


@pytest.mark.parametrize(("kind", "image", "lines"), RUNNER_PULLS)
def test_the_runner_failing_to_pull_the_job_image_is_not_dind(kind: str, image: str,
                                                              lines: str) -> None:
    not_dind(RUNNER_HEAD.format(image=image) + lines, kind)


def test_a_dind_service_tag_that_does_not_exist_is_not_dind() -> None:
    log = ("Running with gitlab-runner 16.11.0 (abc)\nUsing Docker executor with image docker:24.0"
           " ...\nStarting service docker:24.0.99-dind ...\n"
           "Pulling docker image docker:24.0.99-dind ...\n"
           "ERROR: Job failed: failed to pull image \"docker:24.0.99-dind\" with specified "
           "policies [always]: Error response from daemon: manifest for docker:24.0.99-dind not "
           "found: manifest unknown: manifest unknown (manager.go:237:0s)\n")
    not_dind(log, "image-not-found")


@pytest.mark.parametrize("end", ["Job succeeded\n", ""])
def test_cache_warnings_after_a_build_name_no_dind_failure(end: str) -> None:
    log = (DIND + "$ docker build -t app .\nSuccessfully built 8a9d4d126c15\n"
           "Saving cache for successful job\nCreating cache gitlab-fixes-105...\n"
           "WARNING: /root/.npm: no matching files\nWARNING: /root/.cache: no matching files\n"
           "Uploading cache.zip to http://runners-cache-3-internal.gitlab.com:444/runner/project/"
           "7942124/gitlab-fixes-105\nCreated cache\n" + end)
    expl = explain_log(log)
    assert expl.verdict is not Verdict.DIND_FAILURE
    assert expl.candidates == []

RUNNER = [
    "Uploading artifacts for failed job\nUploading artifacts...\nbuild/: found 5120 matching "
    "artifact files and directories\nERROR: Uploading artifacts as \"archive\" to coordinator... "
    "too large archive  id=12343567 responseStatus=413 Request Entity Too Large status=413 "
    "token=123456\nFATAL: too large\n",
    "Downloading artifacts for build (61)...\nDownloading artifacts from coordinator... ok  "
    "id=61 responseStatus=200 OK token=9uZ8mCME\nFATAL: zip: not a valid zip file\n",
    "Uploading artifacts for successful job\nUploading artifacts...\ngl-license-scanning-report."
    "json: found 1 matching artifact files and directories\nWARNING: Uploading artifacts to "
    "coordinator... failed id=12345 responseStatus=400 Bad Request status=400 Bad Request "
    "token=abcd1234\n\nFATAL: invalid_argument\n",
    "Uploading artifacts for successful job\nUploading artifacts...\nWARNING: Uploading artifacts "
    "as \"archive\" to coordinator... failed id=12345 responseStatus=500 Internal Server Error "
    "status=500 token=abcd1234\n",
    "Downloading artifacts for build (61)...\nERROR: Downloading artifacts from coordinator... "
    "error couldn't execute GET against https://gitlab.example.com/api/v4/jobs/61/artifacts?: Get "
    "\"https://gitlab.example.com/api/v4/jobs/61/artifacts?\": dial tcp 10.0.0.2:443: connect: "
    "connection refused id=61 token=9uZ8mCME\nFATAL: invalid argument\n",
    "$ ./reindex.sh\nJob's log exceeded limit of 4194304 "
    "bytes.\nJob execution will continue but no more output will be collected.\n",
]


@pytest.mark.parametrize(("kind", "step"), [
    *(("runner-artifacts", step) for step in RUNNER[:-1]), ("log-limit", RUNNER[-1])])
def test_the_runners_artifact_and_log_limits_are_not_dind(kind: str, step: str) -> None:
    log = DIND + "$ docker info\nServer Version: 24.0.7\n" + step + END
    not_dind(log)
    assert kind in [s.kind.id for s in explain_log(log).shows]


@pytest.mark.parametrize("end", [
    "ERROR: Job failed: execution took longer than 1h0m0s seconds\n",
    "ERROR: Job failed: execution took longer than 3h0m0s seconds\n",
])
def test_a_job_that_ran_out_of_time_in_a_build_is_not_dind(end: str) -> None:
    not_dind(DIND + "$ docker build -t app .\nStep 5/9 : RUN ./gradlew assemble\n"
             " ---> Running in 2c1f\n> Task :compileJava\n" + end, "job-timeout")


def test_a_stuck_job_the_coordinator_timed_out_is_not_dind() -> None:
    log = (DIND + "$ docker compose up --abort-on-container-exit\nCreating network app_default\n"
           "ERROR: Job failed: There has been a timeout failure or the job got stuck. Check your "
           "timeout limits or try again\n")
    not_dind(log, "job-timeout")


# --- successful DinD jobs whose log carries alarming warnings ---------------------------

WARNED = [
    "$ docker login -u \"$CI_REGISTRY_USER\" -p \"$CI_REGISTRY_PASSWORD\" $CI_REGISTRY\n"
    "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"
    "WARNING! Your password will be stored unencrypted in /root/.docker/config.json.\n"
    "Configure a credential helper to remove this warning. See\n"
    "https://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n"
    "Login Succeeded\n",
    "$ docker info\nServer Version: 17.09.0-ce\nStorage Driver: overlay2\n\n"
    "WARNING: No swap limit support\n",
    "$ docker info\nServer Version: 24.0.7\nWARNING: bridge-nf-call-iptables is disabled\n"
    "WARNING: bridge-nf-call-ip6tables is disabled\n",
    "$ docker info\nWARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n"
    "         Access to the remote API is equivalent to root access on the host.\n",
    "$ docker compose up -d\nWARN[0000] /builds/app/docker-compose.yml: `version` is obsolete\n",
    "$ docker buildx build -t app .\nWARNING: No output specified with docker-container driver. "
    "Build result will only remain in the build cache. To push result image into registry use "
    "--push or to load image into docker use --load\n",
    "$ docker build -t app .\nDEPRECATED: The legacy builder is deprecated and will be removed "
    "in a future release.\n            Install the buildx component to build images with "
    "BuildKit:\n            https://docs.docker.com/go/buildx/\n\n"
    "Successfully built 8a9d4d126c15\n",
]


@pytest.mark.parametrize("step", WARNED)
def test_a_passing_dind_job_with_alarming_warnings_succeeded(step: str) -> None:
    expl = explain_log(DIND + step + "Job succeeded\n")
    assert expl.verdict is Verdict.SUCCEEDED
    assert expl.candidates == []


SERVICE_WARNING = """*** WARNING: Service runner-324fb482-project-159-concurrent-0-docker-0 \
probably didn't start properly.

Health check error:
service "runner-324fb482-project-159-concurrent-0-docker-0-wait-for-service" timeout

Service container logs:
2024-01-05T12:55:41.325634773Z time="2024-01-05T12:55:41.324845230Z" level=warning \
msg="could not change group /var/run/docker.sock to docker: group docker not found"
2024-01-05T12:55:41.325712467Z time="2024-01-05T12:55:41.325469290Z" level=warning \
msg="[!] DON'T BIND ON ANY IP ADDRESS WITHOUT setting --tlsverify IF YOU DON'T KNOW WHAT \
YOU'RE DOING [!]"
2024-01-05T12:55:43.000000000Z time="2024-01-05T12:55:43.000000000Z" level=info \
msg="API listen on [::]:2375"

*********

"""


CACHE_MISS = ("Restoring cache\nChecking cache for default-protected...\n"
              "FATAL: file does not exist\nFailed to extract cache\n"
              "Executing \"step_script\" stage of the job script\n")


@pytest.mark.parametrize("end", ["Job succeeded\n", ""])
def test_a_cache_the_runner_could_not_extract_names_no_dind_failure(end: str) -> None:
    expl = explain_log(DIND + CACHE_MISS + "$ docker build -t app .\n"
                       "Successfully built 8a9d4d126c15\n" + end)
    assert expl.verdict is (Verdict.SUCCEEDED if end else Verdict.NOTHING)
    assert expl.candidates == []


@pytest.mark.parametrize("step", WARNED)
def test_alarming_warnings_without_an_end_line_name_no_dind_failure(step: str) -> None:
    expl = explain_log(DIND + step)
    assert expl.verdict is not Verdict.DIND_FAILURE
    assert expl.candidates == []


def test_a_passing_job_after_a_service_health_check_warning_succeeded() -> None:
    expl = explain_log(DIND + SERVICE_WARNING + "$ docker build -t app .\n"
                       "Successfully built 8a9d4d126c15\nJob succeeded\n")
    assert expl.verdict is Verdict.SUCCEEDED
    assert expl.candidates == []


def test_a_service_health_check_warning_without_an_end_line_names_no_dind_failure() -> None:
    expl = explain_log(DIND + SERVICE_WARNING + "$ docker build -t app .\n"
                       "Successfully built 8a9d4d126c15\n")
    assert expl.verdict is not Verdict.DIND_FAILURE
    assert expl.candidates == []


DAEMON_WARNINGS = """*** WARNING: Service runner-x-project-1-concurrent-0-docker-0 probably didn't \
start properly.

Health check error:
service "runner-x-project-1-concurrent-0-docker-0-wait-for-service" timeout

Service container logs:
2024-02-01T18:37:30.009706248Z time="2024-02-01T18:37:30.009706248Z" level=warning \
msg="Your kernel does not support cgroup blkio throttle.write_bps_device"
2024-02-01T18:37:30.014242753Z time="2024-02-01T18:37:30.014242753Z" level=warning \
msg="Running modprobe bridge br_netfilter failed with message: modprobe: WARNING: Module bridge \
not found in directory /lib/modules/6.1.0\\nmodprobe: WARNING: Module br_netfilter not found \
in directory /lib/modules/6.1.0\\n, error: exit status 1"
2024-02-01T18:37:31.000000000Z time="2024-02-01T18:37:31.000000000Z" level=info \
msg="API listen on [::]:2376"

*********

$ docker info
Server Version: 24.0.7
WARNING: bridge-nf-call-iptables is disabled
"""


@pytest.mark.parametrize("step", WARNED)
def test_an_ordinary_failure_after_alarming_warnings_is_not_dind(step: str) -> None:
    not_dind(DIND + step + "$ npm test\nnpm ERR! Test failed.  See above for more details.\n"
             + END, "tests-failed")


@pytest.mark.parametrize(("kind", "step"), [
    ("tests-failed", "$ docker run --rm app pytest\n==== 3 failed, 10 passed in 2.1s ====\n"),
    ("deploy-failed", BUILT + DEPLOYS[3]),
    ("registry-access-refused", PUSH_REFUSED[2]),
    ("image-not-found", IMAGE_MISSING[0]),
])
def test_an_ordinary_failure_after_dockerd_start_up_warnings_is_not_dind(kind: str,
                                                                         step: str) -> None:
    not_dind(DIND + DAEMON_WARNINGS + step + END, kind)


@pytest.mark.parametrize("end", ["Job succeeded\n", ""])
def test_dockerd_start_up_warnings_before_a_build_name_no_dind_failure(end: str) -> None:
    expl = explain_log(DIND + DAEMON_WARNINGS + "$ docker build -t app .\n"
                       "Successfully built 8a9d4d126c15\n" + end)
    assert expl.verdict is not Verdict.DIND_FAILURE
    assert expl.candidates == []


@pytest.mark.parametrize(("kind", "line"), [
    ("registry-access-refused", "unauthorized: unauthorized to access repository: myapp/mysql, "
                                "action: push: unauthorized to access repository: myapp/mysql, "
                                "action: push"),
    ("registry-access-refused", "ERROR: denied: permission_denied: write_package"),
    ("registry-access-refused", "denied: Permission \"artifactregistry.repositories.upload"
                                "Artifacts\" denied on resource \"projects/p/locations/us-central1"
                                "/repositories/r\" (or it may not exist)"),
    ("image-not-found", "Error response from daemon: no matching manifest for linux/arm64/v8 in "
                        "the manifest list entries"),
    ("deploy-refused", "error: You must be logged in to the server (Unauthorized)"),
    ("deploy-failed", "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in "
                      "progress"),
    ("deploy-failed", "The connection to the server localhost:8080 was refused - did you specify "
                      "the right host or port?"),
    ("deploy-failed", "Unable to connect to the server: dial tcp: lookup kubernetes on "
                      "10.0.0.2:53: no such host"),
    ("log-limit", "Job's log exceeded limit of 4194304 bytes."),
    ("job-timeout", "There has been a timeout failure or the job got stuck. Check your timeout "
                    "limits or try again"),
])
def test_a_pasted_ordinary_error_line_names_what_it_shows(kind: str, line: str) -> None:
    expl = explain_log(line)
    assert expl.candidates == []
    assert [s.kind.id for s in expl.shows][:1] == [kind]


def test_a_login_by_another_step_then_no_credentials_in_a_build_stays_dind() -> None:
    # the login is another action's: the build's client never saw those credentials
    log = ("Run docker/login-action@v1\nLogging into docker.pkg.github.com...\nLogin Succeeded\n"
           "Run ./.github/actions/build\nGet https://docker.pkg.github.com/v2/undefinedlabs/maven/"
           "maven/manifests/0.1.0: no basic auth credentials\n"
           "##[error]Docker build failed with exit code 1\n")
    assert top_id(log) == "registry-auth-not-inherited"


@pytest.mark.parametrize("line", [
    "Error: failed to start container: Error response from daemon: failed to create task for "
    "container: failed to create shim task: OCI runtime create failed: runc create failed: "
    "unable to start container process: error during container init: some new reason",
    "error: Cannot connect to the Docker daemon at tcp://docker-svc:2376. Something new?",
    "Error: dockerd exited with status 7 after an unknown complaint",
])
def test_dockers_own_error_that_no_mode_explains_is_not_called_ordinary(line: str) -> None:
    """A generic ``Error: ...`` line that Docker itself printed is no evidence of an ordinary
    script failure: the answer may be "nothing known", never "not a DinD problem"."""
    assert explain_log(line + "\n").verdict is not Verdict.NOT_DIND


@pytest.mark.parametrize("line", [
    "Error: Cannot find module 'left-pad'", "bash: line 3: gradlew: command not found",
    "make: *** [Makefile:12: test] Error 2",
])
def test_a_generic_script_error_is_still_an_ordinary_failure(line: str) -> None:
    assert explain_log(line + "\n").verdict is Verdict.NOT_DIND


@pytest.mark.parametrize("line", [
    "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='docker', port=2376): Read timed "
    "out. (read timeout=60)",
    "Error: connect ETIMEDOUT 10.20.0.5:2376",
    "    at /srv/app/node_modules/docker-modem/lib/modem.js:316:17 { code: "
    "'SELF_SIGNED_CERT_IN_CHAIN' }",
])
def test_a_failed_connection_to_the_daemon_is_no_failed_download(line: str) -> None:
    assert "download-failed" not in [s.kind.id for s in explain_log(line).shows]


def test_the_same_timeout_of_a_package_index_is_a_failed_download() -> None:
    line = ("requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='pypi.org', port=443): "
            "Read timed out. (read timeout=15)")
    assert "download-failed" in [s.kind.id for s in explain_log(line).shows]


# --- the application's own TLS errors in a job that talks TLS to dind --------------------

APP_TLS = [
    # Python's urllib (no Docker client uses it), the URL in the command
    "$ export DOCKER_HOST=tcp://docker:2376\n"
    "$ python -c \"import urllib.request; urllib.request.urlopen('https://intranet.example/api')\"\n"
    "urllib.error.URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
    "failed: unable to get local issuer certificate (_ssl.c:1006)>\n",
    # a script given the server's URL, with a TLS Docker client set up in the same job
    "$ export DOCKER_HOST=tcp://docker:2376 DOCKER_TLS_VERIFY=1\n"
    "$ ./smoke-test.sh https://staging.example.org/health\n"
    "curl: (60) SSL certificate problem: unable to get local issuer certificate\n",
    "$ export DOCKER_TLS_VERIFY=1\n"
    "$ node scripts/notify.js https://hooks.example.com/deploy\n"
    "Error: unable to get local issuer certificate\n"
    "    at TLSSocket.onConnectSecure (node:_tls_wrap:1550:34) {\n"
    "  code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'\n}\n",
]


@pytest.mark.parametrize("step", APP_TLS)
def test_the_applications_own_tls_error_is_not_the_daemons(step: str) -> None:
    assert top_id(DIND + step + END) is None
