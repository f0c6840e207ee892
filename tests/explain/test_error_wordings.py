"""Error wordings of different Docker/CLI versions and tools, with hosts, ports, versions and
addresses other than the real-log corpus's, each naming its failure mode first; and logs with
several symptoms, where the root cause or the ordinary failure of the failing step wins."""

from __future__ import annotations

import pytest

from dind_doctor.explain import Verdict, explain_log

from .helpers import top_id

WORDINGS = [
    ("daemon-tls-client-plain-2375",
     "Cannot connect to the Docker daemon at tcp://docker:2375/. Is the docker daemon running?"),
    ("alias-unresolvable", "error during connect: Get http://docker:2375/v1.40/info: dial tcp: "
                           "lookup docker on 169.254.169.254:53: no such host"),
    ("alias-unresolvable", "dial tcp: lookup docker: Temporary failure in name resolution"),
    ("inner-daemon-registry-trust", 'Error response from daemon: Get "https://10.1.2.3:5000/v2/"'
                                    ": http: server gave HTTP response to HTTPS client"),
    ("inner-daemon-registry-trust", "Get https://registry.local/v2/: tls: failed to verify "
                                    "certificate: x509: certificate signed by unknown authority"),
    ("registry-rate-limit", "Error response from daemon: toomanyrequests: Too Many Requests."),
    ("registry-rate-limit", "429 Too Many Requests - Server message: toomanyrequests: You have "
                            "reached your unauthenticated pull rate limit."),
    ("docker-host-unset-unix-socket", 'error during connect: Get "http://%2Fvar%2Frun%2Fdocker.'
                                      'sock/v1.24/info": dial unix /var/run/docker.sock: '
                                      "connect: no such file or directory"),
    ("compose-missing", "unknown shorthand flag: 'f' in -f"),
    ("disk-space-exhaustion", "ERROR: failed to solve: failed to copy files: copy file range "
                              "failed: no space left on device"),
    ("python-strict-x509-dind-ca", "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED]"
                                   " certificate verify failed: Basic Constraints of CA cert not "
                                   "marked critical (_ssl.c:1028)"),
    ("tls-san-mismatch-custom-alias", "tls: failed to verify certificate: x509: certificate is "
                                      "valid for 7d2f1c9a, docker, localhost, not docker-dind"),
    ("api-version-skew", "Error response from daemon: client version 1.40 is too old. Minimum "
                         "supported API version is 1.44, please upgrade your client"),
    # the same failures in the words of other clients
    ("alias-unresolvable", "requests.exceptions.ConnectionError: HTTPConnectionPool(host='docker'"
                           ", port=2375): Max retries exceeded with url: /version (Caused by "
                           "NameResolutionError(\"<urllib3.connection.HTTPConnection object at "
                           "0x7f>: Failed to resolve 'docker' ([Errno -3] Temporary failure in "
                           "name resolution)\"))"),
    ("daemon-tls-client-plain-2375", "curl: (7) Failed to connect to docker port 2375 after 3 ms:"
                                     " Couldn't connect to server"),
    ("client-tls-env-semantics", "ERROR: TLS configuration is invalid - make sure your "
                                "DOCKER_TLS_VERIFY and DOCKER_CERT_PATH are set correctly."),
    ("shell-executor-specifics", "connect EACCES /var/run/docker.sock"),
    ("api-version-skew", "Error response from daemon: request returned Bad Request for API route "
                         "and version http://docker:2375/v1.47/containers/json, check if the "
                         "server supports the requested API version"),
    # client libraries' own messages
    ("alias-unresolvable", "Error: getaddrinfo ENOTFOUND docker"),
    ("client-tls-env-semantics", "Enabled TLS verification (DOCKER_TLS_VERIFY=1) but certifate "
                                 "path (DOCKER_CERT_PATH) '/certs/client' doesn't exist."),
    ("python-strict-x509-dind-ca", "certificate verify failed: Missing Authority Key Identifier "
                                   "(_ssl.c:1020)"),
    # the SDKs' words for the common modes
    ("docker-host-unset-unix-socket", "Error: connect ENOENT /var/run/docker.sock"),
    ("daemon-tls-client-plain-2375",
     "requests.exceptions.ConnectionError: HTTPConnectionPool(host='docker', port=2375): Max "
     "retries exceeded with url: /version (Caused by NewConnectionError('<urllib3.connection."
     "HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] "
     "Connection refused'))"),
    ("daemon-tls-client-plain-2375", "org.apache.hc.client5.http.HttpHostConnectException: "
                                     "Connect to http://docker:2375 [docker/172.17.0.3] failed: "
                                     "Connection refused"),
    ("alias-unresolvable", "java.net.UnknownHostException: docker: Name or service not known"),
    ("alias-unresolvable", "Failed to resolve 'docker' ([Errno -2] Name or service not known)"),
    # the daemon's and the registry's words
    ("iptables-backend-mismatch", "iptables -t nat -N DOCKER: iptables v1.8.10 (nf_tables): "
                                  "Could not fetch rule set generation id: Invalid argument"),
    ("privileged-missing", "iptables v1.8.10 (nf_tables): Could not fetch rule set generation "
                           "id: Permission denied (you must be root)"),
    ("disk-space-exhaustion", "The node was low on resource: ephemeral-storage. Threshold "
                              "quantity: 1Gi, available: 500Mi."),
    ("registry-rate-limit", "unexpected status from HEAD request to https://registry-1.docker.io"
                            "/v2/library/node/manifests/18: 429 Too Many Requests"),
    # older clients and other tools: TLS and connection modes
    ("client-plain-http-to-tls-port", "requests.exceptions.ConnectionError: ('Connection "
                                      "aborted.', BadStatusLine(\"\\x15\\x03\\x01\\x00\\x02"
                                      "\\x02\\n\"))"),
    ("daemon-plain-client-expects-tls", "An error occurred trying to connect: Get https://10.0.3."
                                        "7:2375/v1.18/info: tls: oversized record received with "
                                        "length 20527"),
    ("daemon-plain-client-expects-tls", "Unable to query docker version: Get https://10.1.1.9:237"
                                        "6/v1.12/version: http: server gave HTTP response to "
                                        "HTTPS client"),
    ("docker-host-unset-unix-socket", "Get http:///var/run/docker.sock/v1.20/info: dial unix "
                                      "/var/run/docker.sock: no such file or directory. Are you "
                                      "trying to connect to a TLS-enabled daemon without TLS?"),
    ("docker-host-unset-unix-socket", "error during connect: Get \"http://%2F%2F.%2Fpipe%2Fdocker"
                                      "_engine/v1.41/info\": open //./pipe/docker_engine: The "
                                      "system cannot find the file specified."),
    ("client-tls-env-semantics", "unable to resolve docker endpoint: open /root/.docker/ca.pem: "
                                 "no such file or directory"),
    # a missing file, as the CLI since 1.10 words it ("could not read CA certificate ..."):
    # the client's certificate directory does not hold what dind wrote
    ("certs-client-not-shared", "Couldn't read ca cert /builds/certs/ca.pem: open /builds/certs/"
                                "ca.pem: no such file or directory"),
    ("tls-cert-files-invalid", "Couldn't read ca cert /builds/certs/ca.pem: open /builds/certs/"
                               "ca.pem: permission denied"),
    ("api-version-skew", "Error response from daemon: client is too new (API version 1.30). The "
                         "newest supported API version is 1.24."),
    ("shell-executor-specifics", "Error: dial unix /var/run/docker.sock: connect: permission "
                                 "denied"),
    ("tls-unknown-authority", "Get \"https://dind.ci.internal:2376/v1.41/info\": tls: failed to "
                              "verify certificate: x509: certificate signed by unknown authority"),
    ("tls-unknown-authority", "requests.exceptions.SSLError: HTTPSConnectionPool(host='docker', "
                              "port=2376): Max retries exceeded with url: /version (Caused by "
                              "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_"
                              "FAILED] certificate verify failed: self signed certificate in "
                              "certificate chain (_ssl.c:1129)')))"),
    ("tls-san-mismatch-custom-alias", "ERROR: SSL error: hostname '10.20.0.4' doesn't match "
                                      "'docker'"),
    ("compose-missing", "org.testcontainers.containers.ContainerLaunchException: Local Docker "
                        "Compose not found. Is docker-compose on the PATH?"),
    ("registry-rate-limit", "ERROR: failed to solve: node:20: pulling from host "
                            "registry-1.docker.io failed with status code [manifests 20]: 429 "
                            "Too Many Requests"),
    ("buildkit-default-network", 'ERROR: network mode "ci-net" not supported by buildkit'),
    ("cgroup-v2-old-dind", "docker: Error response from daemon: cgroups: cannot find cgroup mount "
                           "destination: unknown."),
    ("inner-daemon-registry-trust", "Get http://registry.internal:8080/v1/_ping: http: server "
                                    "gave HTTP response to HTTPS client"),
    ("inner-daemon-registry-trust", 'ERROR: failed to solve: failed to fetch oauth token: Post '
                                    '"https://harbor.corp:443/service/token": x509: certificate '
                                    "signed by unknown authority"),
    ("inner-daemon-registry-trust", "failed to start daemon: insecure registry "
                                    "registry.corp/team is not valid: invalid host "
                                    '"registry.corp/team"'),
    ("missing-kernel-netfilter-modules", "iptables v1.8.9 (legacy): can't initialize iptables "
                                         "table `mangle': Table does not exist (do you need to "
                                         "insmod?)"),
    ("overlay-on-overlay", "failed to mount /var/lib/docker/tmp/containerd-mount123: invalid "
                           "argument"),
    ("overlay-on-overlay", "ERROR: failed to solve: failed to mount /tmp/buildkit-mount77: "
                           "[{Type:overlay Source:overlay Options:[index=off lowerdir=/a "
                           "upperdir=/b workdir=/c]}]: invalid argument"),
    ("overlay-on-overlay", "docker: Error response from daemon: error creating overlay mount to "
                           "/data/docker/overlay2/4f1e-init/merged: invalid argument."),
    ("privileged-missing", "ERROR: failed to solve: failed to mount /tmp/buildkit-mount42: "
                           "[{Type:bind Source:/var/lib/buildkit/x Options:[rbind ro]}]: "
                           "operation not permitted"),
    ("proxy-not-propagated", 'Error response from daemon: {"message":"Get '
                             'https://registry-1.docker.io/v2/: dial tcp 3.4.5.6:443: i/o '
                             'timeout"}'),
    ("stale-pinned-dind", "ls: cannot access '/usr': Operation not permitted"),
    ("stale-pinned-dind", "sleep: cannot read realtime clock: Operation not permitted"),
    # other clients' and the daemon's words for the TLS and socket modes
    ("client-plain-http-to-tls-port", "2024/03/02 10:11:12 http: TLS handshake error from "
                                      "10.42.0.7:41822: tls: first record does not look like a "
                                      "TLS handshake"),
    ("client-plain-http-to-tls-port", "[ERROR] DOCKER> Cannot extract API version from server "
                                      "http://dind.build:2376 : null: ClientProtocolException: "
                                      "The server failed to respond with a valid HTTP response"),
    ("tls-san-mismatch-custom-alias", 'error during connect: Get "https://build-dind:2376/v1.43/'
                                      'version": tls: failed to verify certificate: x509: '
                                      "certificate relies on legacy Common Name field, use SANs "
                                      "instead"),
    ("tls-san-mismatch-custom-alias", "javax.net.ssl.SSLHandshakeException: java.security.cert."
                                      "CertificateException: No subject alternative DNS name "
                                      "matching docker found."),
    ("tls-san-mismatch-custom-alias", "requests.exceptions.SSLError: HTTPSConnectionPool(host="
                                      "'10.8.0.5', port=2376): Max retries exceeded with url: "
                                      "/version (Caused by SSLError(CertificateError(\"no "
                                      "appropriate commonName or subjectAltName fields were "
                                      "found\")))"),
    ("clock-skew-cert-validity", "requests.exceptions.SSLError: HTTPSConnectionPool(host='dind', "
                                 "port=2376): Max retries exceeded with url: /v1.41/version "
                                 "(Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
                                 "CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                                 "certificate is not yet valid (_ssl.c:1006)')))"),
    ("docker-host-unset-unix-socket", "Caused by: java.io.IOException: com.sun.jna."
                                      "LastErrorException: [2] No such file or directory"),
    ("shell-executor-specifics", "Caused by: io.netty.channel.AbstractChannel$AnnotatedConnect"
                                 "Exception: connect(..) failed: Permission denied: /var/run/"
                                 "docker.sock"),
    ("shell-executor-specifics", "org.newsclub.net.unix.AFUNIXSocketException: Permission "
                                 "denied (socket: /run/docker.sock)"),
    ("shell-executor-specifics", "Docker API call to 'docker://localhost/v1.41/images/create' "
                                 'failed with status code 500 "com.sun.jna.LastErrorException: '
                                 '[13] Permission denied"'),
    ("alias-unresolvable", "requests.exceptions.ConnectionError: HTTPConnectionPool(host='dind-"
                           "svc', port=2375): Max retries exceeded with url: /version (Caused by "
                           "NewConnectionError('<urllib3.connection.HTTPConnection object at "
                           "0x7f>: Failed to establish a new connection: [Errno -2] Name or "
                           "service not known'))"),
    ("testcontainers-host-override", "dial tcp 10.2.0.5:32771: connect: connection refused: "
                                     "connecting to reaper failed"),
    ("daemon-tls-client-plain-2375", "org.apache.http.conn.HttpHostConnectException: Connect to "
                                     "dind-svc:2375 [dind-svc/10.1.7.3] failed: Connection "
                                     "refused (Connection refused)"),
    ("daemon-tls-client-plain-2375", "Excon::Error::Socket: Connection refused - connect(2) for "
                                     "10.20.30.40:2375 (Errno::ECONNREFUSED)"),
    ("certs-client-not-shared", "FileNotFoundError: [Errno 2] No such file or directory: "
                                "'/certs/client/cert.pem'"),
    ("certs-client-not-shared", "System.IO.FileNotFoundException: Could not find file "
                                "'/certs/client/ca.pem'."),
    ("certs-client-not-shared", "System.IO.DirectoryNotFoundException: Could not find a part of "
                                "the path '/certs/client/key.pem'."),
    ("tls-unknown-authority", "ERROR: SSL error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                              "verify failed (_ssl.c:727)"),
    ("clock-skew-cert-validity", "ERROR: SSL error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                                 "verify failed: certificate is not yet valid (_ssl.c:1129)"),
    ("daemon-tls-client-plain-2375", "ERROR: Couldn't connect to Docker daemon at http://dind-svc:"
                                     "2375 - is it running?"),
    ("daemon-plain-client-expects-tls", "failed to connect to the docker API at tcp://dind-svc:"
                                        "2376; check if the path is correct and if the daemon is "
                                        "running: Get \"https://dind-svc:2376/v1.51/info\": http: "
                                        "server gave HTTP response to HTTPS client"),
    ("docker-host-unset-unix-socket", "panic: rootless Docker not found [recovered]"),
    ("docker-host-unset-unix-socket", "[main] ERROR o.t.d.DockerClientProviderStrategy - "
                                      "DOCKER_HOST unix:///var/run/docker.sock is not listening"),
    ("daemon-not-ready-race", "EnvironmentAndSystemPropertyClientProviderStrategy: failed with "
                              "exception InvalidConfigurationException (DOCKER_HOST tcp://dind-"
                              "svc:2376 is not listening)"),
    ("docker-host-unset-unix-socket", "Execution default of goal io.fabric8:docker-maven-plugin:"
                                      "0.44.0:build failed: No <dockerHost> given, no DOCKER_HOST "
                                      "environment variable, no read/writable '/var/run/docker."
                                      "sock' or '//./pipe/docker_engine' and no external provider "
                                      "like Docker machine configured"),
    ("api-version-skew", "ERROR: client and server don't have same version (client : 1.22, "
                         "server: 1.19)"),
    ("api-version-skew", "FATA[0000] Error response from daemon: client and server don't have "
                         "same version (client API version: 1.20, server API version: 1.19)"),
    ("daemon-not-ready-race", "failed to connect to the docker API at tcp://dind.ci:2376; "
                              "check if the path is correct and if the daemon is running: dial "
                              "tcp 10.3.0.9:2376: connect: connection refused"),
    # a TLS daemon on localhost (a sidecar of the same pod): right address, not up yet; on
    # GitLab's Kubernetes executor the wiring (see below)
    ("daemon-not-ready-race", "failed to connect to the docker API at tcp://localhost:2376; "
                              "check if the path is correct and if the daemon is running"),
    ("client-tls-env-semantics", "Error: ENOENT: no such file or directory, open '/home/ci/."
                                 "docker/ca.pem'"),
    ("daemon-tls-client-plain-2375", "requests.exceptions.ConnectionError: HTTPConnectionPool("
                                     "host='10.4.4.2', port=2375): Max retries exceeded with "
                                     "url: /version (Caused by NewConnectionError('<urllib3."
                                     "connection.HTTPConnection object at 0x7f>: Failed to "
                                     "establish a new connection: [Errno 111] Connection "
                                     "refused'))"),
    # dockerd's own start-up lines for the kernel, storage and iptables modes
    ("iptables-backend-mismatch", "level=warning msg=\"Running iptables --wait -t nat -L -n "
                                  "failed with message: `iptables/1.8.9 Failed to initialize nft: "
                                  "Protocol not supported`, error: exit status 1\""),
    ("missing-kernel-netfilter-modules", "level=warning msg=\"ip6tables is enabled, but cannot set "
                                         "up ip6tables chains\" error=\"failed to create NAT chain "
                                         "DOCKER: iptables failed: ip6tables --wait -t nat -N "
                                         "DOCKER: ip6tables v1.8.11 (legacy): can't "
                                         "initialize ip6tables table `nat': Table does not "
                                         "exist (do you need to insmod?)\""),
    ("privileged-missing", "iptables v1.8.9 (legacy): can't initialize iptables table `filter': "
                           "Permission denied (you must be root)"),
    ("privileged-missing", "mount: mount point /sys/fs/cgroup does not exist\nCould not make a "
                           "tmpfs mount. Did you use --privileged?"),
    ("storage-driver-vfs-fallback", 'level=info msg="Docker daemon" commit=4c9b3b0 '
                                    "containerd-snapshotter=false storage-driver=vfs "
                                    "version=26.1.3"),
    ("storage-driver-vfs-fallback", 'level=info msg="Docker daemon" commit=e42327a '
                                    "graphdriver(s)=vfs version=20.10.21"),
    ("rootless-dind", "[rootlesskit:parent] error: failed to setup UID/GID map: failed to compute "
                      "uid/gid map: No subuid ranges found for user 1000 (\"rootless\")"),
    ("registry-rate-limit", "Error response from daemon: toomanyrequests: Rate exceeded"),
    # other clients' words for the tool and registry modes
    ("compose-missing", "org.testcontainers.containers.ContainerLaunchException: Local Docker "
                        "Compose not found. Is docker on the PATH?"),
    ("compose-missing", "Error: spawnSync docker-compose ENOENT"),
    ("stale-pinned-dind", '[0.011s][warning][os,thread] Failed to start thread "GC Thread#0" - '
                          "pthread_create failed (EPERM) for attributes: stacksize: 1024k, "
                          "guardsize: 4k, detached."),
    ("stale-pinned-dind", "node[12]: ../src/node_platform.cc:68:std::unique_ptr<long unsigned "
                          "int> node::WorkerThreadsTaskRunner::DelayedTaskScheduler::Start(): "
                          "Assertion `(0) == (uv_thread_create(t.get(), start_thread, this))' "
                          "failed."),
    ("bind-mount-path-not-in-dind", 'error mounting "/builds/grp/app/nginx.conf" to rootfs at '
                                    '"/etc/nginx/nginx.conf": not a directory: unknown: Are you '
                                    "trying to mount a directory onto a file (or vice-versa)? "
                                    "Check if the specified host path exists and is the expected "
                                    "type."),
    ("inner-daemon-registry-trust", 'Error response from daemon: Get "https://10.20.30.40:5000/v2/'
                                    '": tls: failed to verify certificate: x509: cannot validate '
                                    "certificate for 10.20.30.40 because it doesn't contain any "
                                    "IP SANs"),
    ("proxy-not-propagated", "ERROR: failed to solve: python:3.12-slim: failed to do request: "
                             'Head "https://registry-1.docker.io/v2/library/python/manifests/'
                             '3.12-slim": dial tcp 44.205.64.79:443: i/o timeout'),
    ("registry-auth-not-inherited", "ERROR: failed to solve: registry.gitlab.com/grp/base:1.2: "
                                    "failed to resolve source metadata for registry.gitlab.com/"
                                    "grp/base:1.2: failed to authorize: failed to fetch anonymous "
                                    "token: unexpected status from GET request to https://gitlab."
                                    "com/jwt/auth?scope=repository%3Agrp%2Fbase%3Apull&service="
                                    "container_registry: 403 Forbidden"),
    ("registry-auth-not-inherited", "ERROR: failed to solve: corp/base:7: pull access denied, "
                                    "repository does not exist or may require authorization: "
                                    "server message: insufficient_scope: authorization failed"),
    ("rootless-dind", "error: attempting to run rootless dockerd but need writable HOME (/home/"
                      "rootless) and XDG_RUNTIME_DIR (/run/user/1000) for user 1000"),
    ("rootless-dind", "[ERROR] RootlessKit failed, see the error messages and "
                      "https://rootlesscontaine.rs/getting-started/common/ ."),
    ("disk-space-exhaustion", "write /var/lib/docker/tmp/GetImageBlob123: disk quota exceeded"),
    ("cgroup-v2-old-dind", "failed to start daemon: Devices cgroup isn't mounted"),
    ("compose-missing", "Error: Compose is not installed"),
    ("disk-space-exhaustion", "WARNING: Event retrieved from the cluster: 0/4 nodes are "
                              "available: 4 node(s) had untolerated taint {node.kubernetes.io/"
                              "disk-pressure: }. preemption: 0/4 nodes are available"),
    ("privileged-missing", "ERROR: Job failed (system failure): prepare environment: setting up "
                           "build pod: admission webhook \"validation.gatekeeper.sh\" denied the "
                           "request: [psp-privileged-container] Privileged container is not "
                           "allowed: svc-0, securityContext: {\"privileged\": true}"),
    ("privileged-missing", "admission webhook \"validate.kyverno.svc-fail\" denied the request: "
                           "disallow-privileged-containers: privileged-containers: 'validation "
                           "error: Privileged mode is disallowed. The fields spec.containers[*]."
                           "securityContext.privileged and spec.initContainers[*]."
                           "securityContext.privileged must be unset or set to `false`."),
    ("inner-daemon-registry-trust", 'Error response from daemon: Get "https://nexus.corp:8443/v2/"'
                                    ": tls: failed to verify certificate: x509: certificate is "
                                    "not valid for any names, but wanted to match nexus.corp"),
    ("proxy-not-propagated", 'Error response from daemon: Get "https://quay.io/v2/": context '
                             "deadline exceeded"),
    # other clients and client versions, other hosts and paths
    ("client-tls-env-semantics", "[INFO] I/O exception (org.apache.http.conn.UnsupportedScheme"
                                 "Exception) caught when processing request: https protocol is "
                                 "not supported"),
    ("client-plain-http-to-tls-port", "Something went wrong, cannot connect to http://10.1.1.9:"
                                      "2376, cause: null"),
    ("tls-unknown-authority", 'DockerError(900, "Cannot connect to Docker Engine via tcp://10.4.4.'
                              "4:2376 [Cannot connect to host 10.4.4.4:2376 ssl:True [SSLCert"
                              "VerificationError: (1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
                              "certificate verify failed: self-signed certificate in certificate "
                              "chain (_ssl.c:"
                              "1000)')]\")"),
    ("daemon-not-ready-race", "org.apache.http.conn.HttpHostConnectException: Connect to dind:2376 "
                              "[dind/10.2.0.7] failed: Connection refused (Connection refused)"),
    ("daemon-not-ready-race", "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='"
                              "dind', port=2376): Max retries exceeded with url: /version (Caused "
                              "by NewConnectionError('<urllib3.connection.HTTPSConnection object "
                              "at 0x7f>: Failed to establish a new connection: [Errno 111] "
                              "Connection refused'))"),
    ("daemon-not-ready-race", "Error: connect ECONNREFUSED 10.2.0.7:2376"),
    ("daemon-not-ready-race", "io.netty.channel.AbstractChannel$AnnotatedConnectException: "
                              "Connection refused: dind-host/10.2.0.7:2376"),
    ("docker-host-unset-unix-socket", "[ERROR] Failed to execute goal com.spotify:dockerfile-maven"
                                      "-plugin:1.4.13:build (default) on project api: Could not "
                                      "build image: java.util.concurrent.ExecutionException: com."
                                      "spotify.docker.client.shaded.javax.ws.rs.Processing"
                                      "Exception: java.io.IOException: No such file or directory"),
    ("certs-client-not-shared", 'could not read CA certificate "/home/ci/.certs/dind/ca.pem": '
                                "open /home/ci/.certs/dind/ca.pem: no such file or directory"),
    ("client-tls-env-semantics", 'could not read CA certificate "/home/jenkins/.docker/ca.pem": '
                                 "open /home/jenkins/.docker/ca.pem: no such file or directory"),
    ("certs-shared-stale-or-concurrent", "An error occurred trying to connect: Post "
                                         "https://10.0.0.5:2376/v1.18/containers/create: remote "
                                         "error: bad certificate"),
    ("client-plain-http-to-tls-port", "[ERROR] DOCKER> Cannot extract API version from server "
                                      "http://10.2.3.4:2376 : ClientProtocolException: The server "
                                      "failed to respond with a valid HTTP response"),
    ("docker-host-unset-unix-socket", "INFO: I/O exception (java.io.IOException) caught when "
                                      "processing request to {}->unix://localhost:80: No such "
                                      "file or directory"),
    ("tls-cert-files-invalid", "\tat com.github.dockerjava.core.util.CertificateUtils."
                               "createKeyStore(CertificateUtils.java:61)"),
    ("tls-san-mismatch-custom-alias", "requests.exceptions.SSLError: hostname '10.0.2.15' doesn't "
                                      "match 'boot2docker'"),
    ("tls-san-mismatch-custom-alias", "javax.net.ssl.SSLPeerUnverifiedException: Hostname "
                                      "docker not verified:"),
    ("tls-unknown-authority", "SSL error: [Errno 1] _ssl.c:504: error:14090086:SSL routines:"
                              "SSL3_GET_SERVER_CERTIFICATE:certificate verify failed"),
    ("tls-unknown-authority", "com.github.dockerjava.api.exception.DockerClientException: javax."
                              "net.ssl.SSLHandshakeException: PKIX path building failed: "
                              "unable to find valid certification path to requested target"),
    ("tls-unknown-authority", "An error occurred trying to connect: Get https://dockerhost:443/"
                              "v1.21/info: x509: certificate signed by unknown authority"),
    ("daemon-not-ready-race", "failed to connect to the docker API at unix:///run/docker/docker."
                              "sock; check if the path is correct and if the daemon is running"),
    ("proxy-not-propagated", 'error during connect: Get "https://dind.svc:2376/v1.45/info": '
                             "Forbidden"),
    # the Docker executor's own words around a dind service (executors/docker/services.go) and
    # its health check container's log (gitlab-runner-helper health-check)
    ("service-healthcheck-timeout", "*** WARNING: Service runner-kq7tz2-project-4411-concurrent-5"
                                    "-0f1e2d3c4b5a6978-docker-0 probably didn't start properly."),
    ("service-healthcheck-timeout", 'service "runner-kq7tz2-project-4411-concurrent-5-0f1e2d3c4b'
                                    '5a6978-docker-0-wait-for-service" timeout'),
    ("service-healthcheck-timeout", 'service "runner-kq7tz2-project-4411-concurrent-5-docker-1-'
                                    'wait-for-service" health check: exit code 1'),
    ("service-healthcheck-timeout", 'service "runner-kq7tz2-project-4411-concurrent-5-docker-1" '
                                    "has no exposed ports"),
    ("service-healthcheck-timeout", "ERROR: Job failed (system failure): Error response from "
                                    "daemon: Cannot link to a non running container: /runner-"
                                    "t0k3n-project-52-concurrent-1-docker-0 AS /runner-t0k3n-"
                                    "project-52-concurrent-1-build/docker"),
    ("service-healthcheck-timeout", "start service container: Error response from daemon: Cannot "
                                    "link to a non running container: /runner-t0k3n-project-52-"
                                    "concurrent-1-docker-1 AS /runner-t0k3n-project-52-"
                                    "concurrent-1-docker-1-wait-for-service/"
                                    "service"),
    # a prefixed dind image: its slug is registry__path
    ("service-healthcheck-timeout", "start service container: Error response from daemon: Cannot "
                                    "link to a non running container: /runner-t0k3n-project-52-"
                                    "concurrent-1-mirror.corp__docker-0 AS /runner-t0k3n-project-"
                                    "52-concurrent-1-mirror.corp__docker-0-wait-for-service/"
                                    "service"),
    ("service-healthcheck-timeout", "service runner-4e1b2c3d-project-812-concurrent-0-docker-0-"
                                    "wait-for-service did timeout"),
    ("service-healthcheck-timeout", "Service runner-4e1b2c3d-project-812-concurrent-0-docker-0 "
                                    "didn't respond in timely maner: 30s Consider modifying "
                                    "wait_for_services_timeout."),
    # the runner's own daemon address set to the dind alias ([runners.docker] host)
    ("runner-docker-host-misread", "ERROR: Preparation failed: Cannot connect to the Docker daemon"
                                   " at tcp://docker:2376. Is the docker daemon running? "
                                   "(docker.go:958:0s)"),
    ("runner-docker-host-misread", 'ERROR: Preparation failed: error during connect: Get "https:'
                                   '//docker:2376/v1.24/info": dial tcp: lookup docker on '
                                   "10.20.0.2:53: no such host (docker.go:958:0s)"),
    ("runner-docker-host-misread", "ERROR: Job failed (system failure): failed to connect to the "
                                   "docker API at tcp://docker:2375; check if the path is correct "
                                   "and if the daemon is running: dial tcp: lookup docker on "
                                   "127.0.0.11:53: no such host"),
    # the runner's allowed_services refuses the dind image
    ("dind-service-not-allowed", 'ERROR: The "registry.corp.example/mirror/docker:27.3.1-dind" '
                                 "image is not present on list of allowed services:"),
    # the runner host's daemon (userns-remap) refuses the privileged service container
    ("privileged-missing", "ERROR: Job failed (system failure): Error response from daemon: "
                           "privileged mode is incompatible with user namespaces.  You must run "
                           "the container in the host namespace when running privileged mode"),
    # the dind image's entrypoint (dockerd-entrypoint.sh) and dockerd's start-up
    ("rootless-dind", "error: attempting to run rootless dockerd but missing 'rootlesskit' "
                      "(perhaps the 'docker:dind-rootless' image variant is intended?)"),
    ("rootless-dind", "error: attempting to run rootless dockerd but need writable HOME "
                      "(/home/builder) and XDG_RUNTIME_DIR (/run/user/1001) for user 1001"),
    ("rootless-dind", "failed to start daemon: dockerd needs to be started with root privileges. "
                      "To run dockerd in rootless mode as an unprivileged user, see https://docs."
                      "docker.com/go/rootless/"),
    ("rootless-dind", "dockerd needs to be started with root. To see how to run dockerd in "
                      "rootless mode with unprivileged user, see the documentation"),
    ("storage-driver-vfs-fallback", 'time="2025-02-03T04:05:06.5Z" level=info msg="[graphdriver] '
                                    'trying configured driver: vfs"'),
    ("storage-driver-vfs-fallback", 'time="2025-02-03T04:05:06.789Z" level=error msg="failed to '
                                    'mount overlay: no such device" storage-driver=overlay2'),
    # GitLab Runner's Kubernetes executor and the cluster: admission refusing the privileged
    # build pod (Pod Security admission, OpenShift SCC, PodSecurityPolicy), the kubelet evicting
    # the pod for the dind service's disk, actions-runner-controller's dind runner image
    ("privileged-missing", "ERROR: Job failed (system failure): prepare environment: setting up "
                           "build pod: pods \"runner-zz81-project-7-concurrent-3-p0q1r2\" is "
                           "forbidden: violates PodSecurity \"baseline:v1.29\": privileged "
                           "(container \"svc-0\" must not set securityContext.privileged=true)"),
    ("privileged-missing", "ERROR: Job failed (system failure): prepare environment: setting up "
                           "build pod: pods \"runner-zz81\" is forbidden: unable to validate "
                           "against any security context constraint: [provider \"anyuid\": "
                           "Forbidden: not usable by user or serviceaccount, spec.containers[1]."
                           "securityContext.privileged: Invalid value: true: Privileged "
                           "containers are not allowed]"),
    ("privileged-missing", "prepare environment: setting up build pod: pods \"runner-zz81\" is "
                           "forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers"
                           "[1].securityContext.privileged: Invalid value: true: Privileged "
                           "containers are not allowed]"),
    ("disk-space-exhaustion", "ERROR: Job failed: pod \"builds/runner-zz81-project-7-concurrent-"
                              "3-p0q1r2\" is disrupted: reason \"TerminationByKubelet\", "
                              "message \"Container svc-1 exceeded its local ephemeral storage "
                              "limit \\\"12Gi\\\". \""),
    ("disk-space-exhaustion", "ERROR: Job failed: pod \"builds/runner-zz81\" is disrupted: "
                              "reason \"TerminationByKubelet\", message \"The node was low on "
                              "resource: ephemeral-storage. Threshold quantity: 3Gi, available: "
                              "2048Mi. Container svc-0 was using 14Gi, which exceeds its request "
                              "of 0. \""),
    ("privileged-missing", "ERROR: Job failed (system failure): prepare environment: setting up "
                           "build pod: admission webhook \"validate.kyverno.svc-fail\" denied the "
                           "request: \n\nresource Pod/builds/runner-zz81 was blocked due to the "
                           "following policies \n\npss-baseline:\n  baseline: 'Validation rule "
                           "''baseline'' failed. It violates PodSecurity \"baseline:latest\": "
                           "(Forbidden reason: privileged, field error list: [spec.containers[1]."
                           "securityContext.privileged is forbidden, forbidden values found: "
                           "true])'"),
    ("privileged-missing", "WARNING: Event retrieved from the cluster: pod with UID \"9c1d7e02-"
                           "4b5a-11ef-8f3e-02d1a9b0c4e7\" specified privileged init container, "
                           "but is disallowed"),
    ("daemon-unreachable", "2026-01-20 08:15:02.311  NOTICE --- Docker has not become available "
                           "within 90 seconds. Exiting with status 1."),
    ("daemon-unreachable", "2026-01-20 08:15:02.311  ERROR --- dockerd is not running after max "
                           "time"),
    # client wordings on the TLS side, other clients, hosts and versions
    ("certs-client-not-shared", "FATA[0000] Couldn't read ca cert /home/ci/machine/certs/ca.pem: "
                                "open /home/ci/machine/certs/ca.pem: no such file or directory"),
    ("client-tls-env-semantics", "FATA[0000] Couldn't read ca cert /root/.docker/ca.pem: open "
                                 "/root/.docker/ca.pem: no such file or directory"),
    ("client-tls-env-semantics", "java.io.FileNotFoundException: /var/lib/jenkins/.docker/cert.pem "
                                 "(No such file or directory)"),
    ("client-tls-env-semantics", "[ERROR] Failed to execute goal com.spotify:docker-maven-plugin:"
                                 "1.2.2:build (default-cli): Exception caught: An HTTPS URI for "
                                 "DOCKER_HOST must be provided to use Docker client certificates"),
    ("client-tls-env-semantics", "10:02:11.514 [DEBUG] [de.gesellix.docker.client.DockerClientImpl]"
                                 " selected dockerHost at 'http://10.1.2.3:2376'"),
    ("clock-skew-cert-validity", "ERRO[2018-02-11T09:00:01Z] Connection failed with TLS error "
                                 "\"bad certificate\" - check for clock skew on the host"),
    ("service-healthcheck-timeout", "ERROR: Preparation failed: getting exposed ports: service "
                                    "failed to start after 1m0s"),
    ("tls-cert-files-invalid", "Error: crypto/tls: failed to parse certificate PEM data"),
    ("tls-cert-files-invalid", "\tat com.github.dockerjava.core.CertificateUtils.loadPrivateKey("
                               "CertificateUtils.java:131)"),
    ("daemon-plain-client-expects-tls", "Error pinging Docker server: Get \"https://10.0.0.12:2376/"
                                        "_ping\": http: server gave HTTP response to HTTPS client"),
    ("daemon-plain-client-expects-tls", "Error: Get https://swarm.internal:2376/_ping: tls: "
                                        "oversized record received with length 20527"),
    ("tls-unknown-authority", "Error: Error pinging Docker server: Get \"https://builder.lan:2377/"
                              "_ping\": tls: failed to verify certificate: x509: certificate "
                              "signed by unknown authority"),
    # docker-py's message names the daemon on any port; the reason picks the mode
    ("tls-unknown-authority", "docker.errors.DockerException: Error while fetching server API "
                              "version: HTTPSConnectionPool(host='dockerhost.lan', port=443): Max "
                              "retries exceeded with url: /version (Caused by SSLError(SSLCert"
                              "VerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                              "verify failed: self signed certificate in certificate chain (_ssl."
                              "c:1131)')))"),
    ("clock-skew-cert-validity", "docker.errors.DockerException: Error while fetching server API "
                                 "version: HTTPSConnectionPool(host='10.0.0.3', port=2377): Max "
                                 "retries exceeded with url: /version (Caused by SSLError(SSLCert"
                                 "VerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
                                 "certificate verify failed: certificate has expired (_ssl.c:1129)"
                                 "')))"),
]


@pytest.mark.parametrize("line", [
    # a registry served over plain HTTP, pulled by the daemon: not the client's TLS
    "Error response from daemon: Get https://registry.local:5000/v2/: tls: oversized record "
    "received with length 20527",
    # a package index or Maven repository whose certificate names another host
    "SSLError: hostname 'pypi.internal' doesn't match 'proxy.corp'",
    "Could not transfer artifact a:b:pom:1 from/to central (https://repo.corp): hostname in "
    "certificate didn't match: <repo.corp> != <proxy.corp>",
    # a registry or repository host named docker.<domain>
    "javax.net.ssl.SSLPeerUnverifiedException: Hostname docker.corp.example not verified:",
])
def test_the_same_tls_error_from_a_registry_or_package_index_names_no_dind_mode(line: str) -> None:
    assert explain_log(line).top is None


@pytest.mark.parametrize("restart", ["$ sudo systemctl restart docker", "$ service docker start",
                                     "$ dockerd > /tmp/dockerd.log 2>&1 &",
                                     "Restarting docker engine"])
def test_a_command_right_after_the_script_restarts_the_daemon_is_the_race(restart: str) -> None:
    log = (f"{restart}\n$ docker info\nCannot connect to the Docker daemon at unix:///var/run/"
           "docker.sock. Is the docker daemon running?\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "daemon-not-ready-race"


@pytest.mark.parametrize(("expected", "line"), WORDINGS)
def test_a_wording_names_its_mode_first(expected: str, line: str) -> None:
    assert top_id(line) == expected


SERVICE_BLOCK = """*** WARNING: Service runner-x-project-1-concurrent-0-docker-0 probably didn't \
start properly.

Health check error:
service "runner-x-project-1-concurrent-0-docker-0-wait-for-service" timeout

Service container logs:
2023-01-01T00:00:00.000000000Z {line}

*********
"""


def test_the_service_logs_start_up_error_outranks_the_clients_connection_error() -> None:
    log = SERVICE_BLOCK.format(line="mount: permission denied (are you root?)") + (
        "$ docker info\nCannot connect to the Docker daemon at tcp://docker:2375. Is the docker "
        "daemon running?\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "privileged-missing"


def test_modprobe_noise_alone_does_not_name_privileged_missing() -> None:
    log = SERVICE_BLOCK.format(
        line="modprobe: can't change directory to '/lib/modules': No such file or directory")
    assert "privileged-missing" not in [c.entry.id for c in explain_log(log).candidates]


@pytest.mark.parametrize("failing_step", [
    "$ npm test\nnpm ERR! Test failed.  See above for more details.\n",
    "$ pytest\n==== 3 failed, 10 passed in 2.1s ====\n",
    "$ ./gradlew build\nKilled\n",
    "$ docker pull myorg/app:1.2.3\nError response from daemon: manifest for myorg/app:1.2.3 "
    "not found: manifest unknown: manifest unknown\n",
    "$ docker build -t app .\nERROR: failed to solve: failed to compute cache key: failed to "
    "calculate checksum of ref 1a2b::3c4d: \"/requirements.txt\": not found\n",
    "$ docker compose up --exit-code-from tests\ndependency failed to start: container "
    "app-db-1 is unhealthy\n",
])
def test_an_ordinary_failure_after_a_dind_warning_is_not_dind(failing_step: str) -> None:
    log = ("$ docker pull node:18\nError response from daemon: toomanyrequests: You have reached "
           "your pull rate limit. You may increase the limit by authenticating and upgrading\n"
           "$ docker info\nWARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n"
           + failing_step + "ERROR: Job failed: exit code 1\n")
    assert explain_log(log).verdict is Verdict.NOT_DIND


@pytest.mark.parametrize("line", [
    "java.net.ConnectException: Connection refused: localhost/127.0.0.1:49153",
    "Error: connect ECONNREFUSED 127.0.0.1:49154",
    "curl: (7) Failed to connect to 127.0.0.1 port 32768 after 0 ms: Couldn't connect to server",
    "requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', port=32769): Max "
    "retries exceeded with url: / (Caused by NewConnectionError('<urllib3.connection."
    "HTTPConnection object at 0x7f1c2b3d4e50>: Failed to establish a new connection: [Errno 111] "
    "Connection refused'))",
    # kubectl on a kind cluster whose API server the dind daemon published
    "The connection to the server localhost:40819 was refused - did you specify the right host "
    "or port?",
    "The connection to the server 127.0.0.1:32771 was refused - did you specify the right host "
    "or port?",
    "The connection to the server 0.0.0.0:42345 was refused - did you specify the right host "
    "or port?",
])
def test_a_refused_ephemeral_localhost_port_is_a_port_published_inside_dind(line: str) -> None:
    assert top_id(line) == "published-port-localhost"


def test_kubectl_refused_on_its_default_localhost_8080_is_no_published_port() -> None:
    log = ("$ kubectl get pods\nThe connection to the server localhost:8080 was refused - did you "
           "specify the right host or port?\nERROR: Job failed: exit code 1\n")
    assert explain_log(log).verdict is Verdict.NOT_DIND


@pytest.mark.parametrize("line", [
    "dial tcp: lookup lordgaav__dind-options on 10.0.1.12:53: no such host",
    "dial tcp: lookup docker-svc on 127.0.0.11:53: server misbehaving",
])
def test_a_one_label_name_that_does_not_resolve_is_a_service_alias(line: str) -> None:
    assert top_id(line) == "alias-unresolvable"


def test_a_job_that_hit_its_timeout_in_its_tests_is_not_dind() -> None:
    log = ("$ docker info\nWARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n"
           "$ docker run --rm app pytest -x\n..........\n"
           "ERROR: Job failed: execution took longer than 1h0m0s seconds\n")
    expl = explain_log(log)
    assert expl.verdict is Verdict.NOT_DIND


def test_a_refusal_while_the_runner_pulls_the_job_image_is_not_dind() -> None:
    log = ("Using Docker executor with image registry.gitlab.com/group/proj/builder:latest ...\n"
           "Pulling docker image registry.gitlab.com/group/proj/builder:latest ...\n"
           "ERROR: Job failed: Error response from daemon: Get https://registry.gitlab.com/v2/"
           "group/proj/builder/manifests/latest: denied: access forbidden\n")
    assert explain_log(log).verdict is Verdict.NOT_DIND


def test_a_refusal_of_the_inner_daemons_pull_in_the_script_is_dind() -> None:
    log = ("Pulling docker image docker:24 ...\n$ docker-compose up\n"
           "Get https://registry.gitlab.com//example/app: denied: access forbidden\n"
           "ERROR: Job failed: exit code 1\n")
    assert top_id(log) == "registry-auth-not-inherited"


def test_a_package_registry_that_does_not_resolve_is_no_service_alias() -> None:
    line = ("npm ERR! request to https://registry.npmjs.org/x failed, reason: getaddrinfo "
            "ENOTFOUND registry.npmjs.org")
    assert explain_log(line).top is None


@pytest.mark.parametrize(("expected", "daemon_lines"), [
    ("privileged-missing", "mount: permission denied (are you root?)\n"
                           "Could not mount /sys/kernel/security.\n"),
    ("iptables-backend-mismatch",
     "failed to start daemon: Error initializing network controller: error obtaining controller "
     "instance: failed to create NAT chain DOCKER: iptables failed: iptables -t nat -N DOCKER: "
     "iptables v1.8.10 (nf_tables): Could not fetch rule set generation id: Invalid argument\n"),
])
def test_daemon_lines_pasted_without_the_service_block_outrank_the_client(
        expected: str, daemon_lines: str) -> None:
    log = daemon_lines + ("$ docker info\nerror during connect: Get \"http://docker:2375/v1.24/"
                          "info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n"
                          "ERROR: Job failed: exit code 1\n")
    assert top_id(log) == expected


def test_a_refused_registry_login_is_not_dind() -> None:
    line = ("Error response from daemon: login attempt to https://registry-1.docker.io/v2/ "
            "failed with status: 401 Unauthorized\nERROR: Job failed: exit code 1\n")
    assert explain_log(line).verdict is Verdict.NOT_DIND


def test_a_missing_daemon_on_the_shell_executor_is_the_shell_executors_mode() -> None:
    log = ("Running with gitlab-runner 15.0.0 (abc)\nPreparing the \"shell\" executor\n"
           "Using Shell executor...\n$ docker info\nCannot connect to the Docker daemon at "
           "unix:///var/run/docker.sock. Is the docker daemon running?\n"
           "ERROR: Job failed: exit status 1\n")
    assert top_id(log) == "shell-executor-specifics"


@pytest.mark.parametrize(("command", "error"), [
    ('docker run --rm -v "$PWD":/src python:3.12 python /src/main.py',
     "python: can't open file '/src/main.py': [Errno 2] No such file or directory"),
    ("docker run --rm -v $(pwd):/app node:20 node /app/index.js",
     "Error: Cannot find module '/app/index.js'"),
    ("docker run --rm --mount type=bind,source=$CI_PROJECT_DIR,target=/work alpine cat "
     "/work/config.yml", "cat: can't open '/work/config.yml': No such file or directory"),
])
def test_a_file_missing_under_a_bind_mount_target_is_the_daemons_file_system(
        command: str, error: str) -> None:
    log = f"$ {command}\n{error}\nERROR: Job failed: exit code 1\n"
    assert top_id(log) == "bind-mount-path-not-in-dind"


def test_a_missing_file_outside_any_mount_target_is_no_bind_mount_problem() -> None:
    log = ("$ docker run --rm -v \"$PWD\":/src alpine ls /src\n"
           "cat: can't open '/etc/app.conf': No such file or directory\n"
           "ERROR: Job failed: exit code 1\n")
    assert "bind-mount-path-not-in-dind" not in [c.entry.id for c in explain_log(log).candidates]


@pytest.mark.parametrize("line", [
    "Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: request canceled "
    "while waiting for connection (Client.Timeout exceeded while awaiting headers)",
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp '
    "54.236.113.205:443: i/o timeout",
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp '
    "54.236.113.205:443: connect: connection timed out",
    # the cgo resolver's words for a lookup with no answer
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup '
    "registry-1.docker.io: Temporary failure in name resolution",
])
def test_the_inner_daemon_timing_out_on_a_registry_is_a_proxy_it_does_not_use(line: str) -> None:
    assert top_id(line) == "proxy-not-propagated"


def test_an_unknown_outside_host_is_no_service_alias() -> None:
    assert explain_log("java.net.UnknownHostException: repo.maven.apache.org").top is None


@pytest.mark.parametrize(("certdir", "expected"), [
    ('""', "daemon-not-ready-race"),
    ('"/certs"', "daemon-tls-client-plain-2375"),
])
def test_the_pasted_tls_setting_decides_a_refused_2375(certdir: str, expected: str) -> None:
    log = (f"variables:\n  DOCKER_HOST: tcp://docker:2375\n  DOCKER_TLS_CERTDIR: {certdir}\n"
           "$ docker info\nCannot connect to the Docker daemon at tcp://docker:2375. Is the "
           "docker daemon running?\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == expected


def test_an_api_floor_error_from_testcontainers_is_its_embedded_client() -> None:
    log = ("[main] INFO org.testcontainers.DockerClientFactory - Testcontainers version: 1.19.0\n"
           "Error response from daemon: client version 1.41 is too old. Minimum supported API "
           "version is 1.44, please upgrade your client to a newer version\n")
    assert top_id(log) == "testcontainers-api-too-old"


def test_a_client_cert_directory_with_only_ca_pem_is_not_the_one_dind_wrote() -> None:
    log = ("$ ls -la $DOCKER_CERT_PATH\n-rw-r--r-- 1 root root 1070 Jan  1 00:00 ca.pem\n"
           "$ docker info\nCannot connect to the Docker daemon at tcp://docker:2376. Is the "
           "docker daemon running?\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "certs-client-not-shared"
    shared = log.replace("1070 Jan  1 00:00 ca.pem\n", "1070 Jan  1 00:00 ca.pem\n"
                         "-rw-r--r-- 1 root root 1200 Jan  1 00:00 cert.pem\n")
    top = explain_log(shared).top
    assert top is not None and top.entry.id != "certs-client-not-shared"


def test_a_name_that_does_not_resolve_in_a_build_on_a_custom_network_is_buildkit() -> None:
    log = ("$ docker network create ci-net\n$ docker build --network ci-net -t app .\n"
           "#8 0.412 curl: (6) Could not resolve host: postgres\n")
    assert top_id(log) == "buildkit-default-network"


def test_a_build_on_the_host_network_is_not_named_buildkit() -> None:
    log = ("$ docker build --network host -t app .\n"
           "#8 0.412 curl: (6) Could not resolve host: postgres\n")
    ids = [c.entry.id for c in explain_log(log).candidates]
    assert "buildkit-default-network" not in ids


FINAL_CHILD = ("docker: Error response from daemon: OCI runtime create failed: runc create failed: "
               "unable to start container process: can't get final child's PID from pipe: EOF")


def test_runcs_final_child_eof_under_a_rootless_daemon_is_rootless_dind() -> None:
    log = f"$ export DOCKER_HOST=unix:///run/user/1000/docker.sock\n$ docker run alpine\n" \
          f"{FINAL_CHILD}\n"
    assert top_id(log) == "rootless-dind"


def test_runcs_final_child_eof_alone_names_no_rootless_dind() -> None:
    ids = [c.entry.id for c in explain_log(f"$ docker run alpine\n{FINAL_CHILD}\n").candidates]
    assert "rootless-dind" not in ids


# a client library's generic error, and the Docker endpoint the same log shows
GENERIC_ON_ENDPOINT = [
    ("DOCKER_HOST=tcp://dind.ci:2375", "> javax.net.ssl.SSLException: Unrecognized SSL message, "
     "plaintext connection?", "daemon-plain-client-expects-tls"),
    ("DOCKER_HOST=tcp://dind.ci:2375", "javax.net.ssl.SSLException: Unsupported or unrecognized "
     "SSL message", "daemon-plain-client-expects-tls"),
    ("DOCKER_HOST=tcp://dind.ci:2375", "[ERROR] Failed to execute goal io.fabric8:docker-maven-"
     "plugin:0.43.4:build (default) on project app: Execution default of goal failed: javax.net."
     "ssl.SSLException: Unsupported or unrecognized SSL message",
     "daemon-plain-client-expects-tls"),
    ("DOCKER_HOST=tcp://10.0.9.2:2375", "Error: write EPROTO 140232:error:0A00010B:SSL routines::"
     "wrong version number", "daemon-plain-client-expects-tls"),
    ("$ export DOCKER_HOST=tcp://buildhost:2376", "javax.ws.rs.ProcessingException: java.net."
     "SocketException: Unexpected end of file from server", "client-plain-http-to-tls-port"),
    ("DOCKER_HOST: tcp://docker-tls:2376", "ssl.CertificateError: no appropriate commonName or "
     "subjectAltName fields were found", "tls-san-mismatch-custom-alias"),
    ("DOCKER_HOST: tcp://docker-tls:2376", "backports.ssl_match_hostname.CertificateError: "
     "hostname 'dind-tls' doesn't match either of '172.18.0.4', 'localhost'",
     "tls-san-mismatch-custom-alias"),
    ("DOCKER_HOST=tcp://dind-tls:2376", "javax.net.ssl.SSLPeerUnverifiedException: Certificate "
     "for <dind-tls> doesn't match any of the subject alternative names: [a1b2c3, docker, "
     "localhost]", "tls-san-mismatch-custom-alias"),
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "Error: unable to verify the first certificate",
     "tls-unknown-authority"),
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "Error: certificate is not yet valid",
     "clock-skew-cert-validity"),
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "java.security.cert.CertificateExpiredException: "
     "NotAfter: Sun Mar 03 10:00:00 UTC 2024",
     "clock-skew-cert-validity"),
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "OpenSSL.SSL.Error: [('SSL routines', 'tls_get_more_"
     "records', 'wrong version number')]", "daemon-plain-client-expects-tls"),
    ("DOCKER_HOST=tcp://dind:2376", "http.client.BadStatusLine: \\x15\\x03\\x01\\x00\\x02"
     "\\x02", "client-plain-http-to-tls-port"),
    ("DOCKER_HOST=tcp://dind-tls:2376", "javax.net.ssl.SSLPeerUnverifiedException: Hostname "
     "dind-tls not verified:", "tls-san-mismatch-custom-alias"),
    ("DOCKER_HOST=tcp://dind-tls:2376", "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_"
     "FAILED] certificate verify failed: IP address mismatch, certificate is not valid for "
     "'172.18.0.4'. (_ssl.c:1131)", "tls-san-mismatch-custom-alias"),
    ("DOCKER_HOST=tcp://dind-tls:2376", "javax.net.ssl.SSLHandshakeException: Received fatal "
     "alert: bad_certificate", "certs-shared-stale-or-concurrent"),
    ("DOCKER_HOST=tcp://dind-tls:2376", "javax.net.ssl.SSLHandshakeException: Received fatal "
     "alert: certificate_required", "certs-client-not-shared"),
    ("DOCKER_HOST=tcp://dind-tls:2376", "2024/05/01 10:00:00 http: TLS handshake error from "
     "172.17.0.3:51234: tls: client didn't provide a certificate", "certs-client-not-shared"),
]


@pytest.mark.parametrize(("endpoint", "line", "expected"), GENERIC_ON_ENDPOINT)
def test_a_generic_client_error_next_to_a_docker_endpoint_names_its_mode(
        endpoint: str, line: str, expected: str) -> None:
    assert top_id(f"{endpoint}\n$ ./gradlew integrationTest\n{line}\n"
                  "ERROR: Job failed: exit code 1\n") == expected


@pytest.mark.parametrize("line", sorted({line for _, line, _ in GENERIC_ON_ENDPOINT}))
def test_a_generic_client_error_alone_names_no_mode(line: str) -> None:
    assert explain_log(f"$ make test\n{line}\nERROR: Job failed: exit code 1\n").top is None


# the least telling errors: their own output must name Docker (the client, its frames)
DOCKER_CLIENT_OUTPUT = [
    (">>> import docker\n>>> client = docker.from_env()\nTraceback (most recent call last):\n"
     "OpenSSL.SSL.Error: [('SSL routines', 'tls_process_server_certificate', 'certificate verify "
     "failed')]", "tls-unknown-authority"),
    ("Error: unable to get issuer certificate\n    at TLSSocket.onConnectSecure (node:_tls_wrap:"
     "1600:34)\n    at /srv/app/node_modules/docker-modem/lib/modem.js:316:17", "tls-unknown-"
     "authority"),
    ("Trace: { Error: Parse Error\n    at Socket.socketOnData (_http_client.js:454:20)\n    "
     "bytesParsed: 0, code: 'HPE_INVALID_CONSTANT' }\n    at initDockerConnection (/srv/tui/"
     "index.js:21:12)", "client-plain-http-to-tls-port"),
    ("[Docker] edge-02: GET /containers/json?all=true failed after 9ms: unable to verify the first "
     "certificate", "tls-unknown-authority"),
]


@pytest.mark.parametrize(("output", "expected"), DOCKER_CLIENT_OUTPUT)
def test_a_generic_tls_error_of_a_docker_client_names_its_mode(output: str, expected: str) -> None:
    assert top_id(f"export DOCKER_HOST=tcp://10.20.0.5:2376\n{output}\n") == expected


@pytest.mark.parametrize("output", [
    "Error: unable to get issuer certificate\n    at TLSSocket.onConnectSecure (node:_tls_wrap:"
    "1600:34)",
    "Trace: { Error: Parse Error\n    bytesParsed: 0, code: 'HPE_INVALID_CONSTANT' }",
])
def test_a_generic_tls_error_without_a_docker_endpoint_names_no_mode(output: str) -> None:
    assert explain_log(f"$ node check.js\n{output}\nERROR: Job failed: exit code 1\n").top is None


@pytest.mark.parametrize("output", [
    # an application's own request to a web site, in a job whose DOCKER_HOST is a TLS dind
    "Traceback (most recent call last):\n  File \"fetch.py\", line 3, in <module>\nurllib.error."
    "URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:"
    "852)>",
    "Error: Parse Error: Expected HTTP/\n    at Socket.socketOnData (node:_http_client:494:22) {"
    "\n  code: 'HPE_INVALID_CONSTANT',",
])
def test_an_applications_own_tls_error_next_to_a_tls_dind_is_not_dind(output: str) -> None:
    log = ("$ export DOCKER_HOST=tcp://docker:2376 DOCKER_TLS_VERIFY=1\n$ python fetch.py\n"
           f"{output}\nERROR: Job failed: exit code 1\n")
    assert explain_log(log).verdict is not Verdict.DIND_FAILURE


@pytest.mark.parametrize(("endpoint", "line"), [
    # the TLS error of a package index or a download, in a job that also talks to dind
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "npm ERR! request to https://registry.npmjs.org/left-pad "
     "failed, reason: unable to verify the first certificate"),
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "curl: (60) SSL certificate problem: certificate is not "
     "yet valid"),
    ("DOCKER_HOST=tcp://10.9.8.7:2376", "[ERROR] Could not transfer artifact org.acme:lib:jar:1.0 "
     "from/to central: PKIX path building failed: unable to find valid certification path to "
     "requested target"),
])
def test_another_servers_generic_error_next_to_a_docker_endpoint_is_not_dind(
        endpoint: str, line: str) -> None:
    assert explain_log(f"{endpoint}\n$ make test\n{line}\n"
                       "ERROR: Job failed: exit code 1\n").top is None


@pytest.mark.parametrize("refused", [
    "Error: connect ECONNREFUSED 127.0.0.1:5432",
    'psql: error: connection to server at "localhost" (127.0.0.1), port 5432 failed: '
    "Connection refused",
    "dial tcp 127.0.0.1:6379: connect: connection refused",
    "Error: connect ECONNREFUSED ::1:5432",
])
def test_a_refused_localhost_port_after_docker_run_on_a_remote_daemon_is_published_there(
        refused: str) -> None:
    log = ("DOCKER_HOST=tcp://dind:2375\n$ docker run -d -p 5432:5432 -p 6379:6379 db\n"
           f"$ make test\n{refused}\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "published-port-localhost"


@pytest.mark.parametrize("setup", [
    # the daemon runs on localhost: ports it publishes are on localhost
    "DOCKER_HOST=tcp://localhost:2375\n$ docker run -d -p 5432:5432 db\n",
    # no container published anything: the test's own server is not up
    "DOCKER_HOST=tcp://dind:2375\n$ docker build -t app .\n",
])
def test_a_refused_localhost_port_without_a_remote_published_port_is_not_dind(setup: str) -> None:
    log = (f"{setup}$ make test\nError: connect ECONNREFUSED 127.0.0.1:5432\n"
           "ERROR: Job failed: exit code 1\n")
    assert "published-port-localhost" not in [c.entry.id for c in explain_log(log).candidates]


def test_a_reaper_the_node_library_could_not_reach_names_no_mode_alone() -> None:
    assert explain_log("$ npm test\nError: Failed to connect to Reaper\n"
                       "ERROR: Job failed: exit code 1\n").top is None


def test_missing_ip_sans_on_the_daemon_endpoint_is_not_the_registrys_trust() -> None:
    line = ('error during connect: Get "https://10.20.30.40:2376/v1.45/info": tls: failed to '
            "verify certificate: x509: cannot validate certificate for 10.20.30.40 because it "
            "doesn't contain any IP SANs")
    ids = [c.entry.id for c in explain_log(line).candidates]
    assert "inner-daemon-registry-trust" not in ids


def test_a_refusal_while_the_kubernetes_executor_pulls_the_job_image_is_not_dind() -> None:
    log = ("Using Kubernetes executor with image registry.corp/grp/builder:3 ...\n"
           "Waiting for pod grp/runner-abc to be running, status is Pending\n"
           "ERROR: Job failed: prepare environment: waiting for pod running: pulling image "
           '"registry.corp/grp/builder:3": image pull failed: failed to pull and unpack image '
           '"registry.corp/grp/builder:3": failed to resolve reference "registry.corp/grp/'
           'builder:3": failed to authorize: failed to fetch anonymous token: unexpected status '
           "from GET request to https://registry.corp/token: 401 Unauthorized\n")
    assert explain_log(log).verdict is Verdict.NOT_DIND


@pytest.mark.parametrize(("step", "download"), [
    ("#9 [build 3/6] RUN mvn -B dependency:go-offline",
     "#9 2.511 [INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/x/y/"
     "1.0/y-1.0.pom"),
    ("#7 [2/4] RUN go mod download", "#7 0.512 go: downloading github.com/gin-gonic/gin v1.9.1"),
    ("Step 4/7 : RUN bundle install", "Fetching gem metadata from https://rubygems.org/"),
])
def test_a_build_that_hangs_on_another_tools_download_is_the_mtu(step: str,
                                                                   download: str) -> None:
    log = (f"$ docker build -t app .\n{step}\n{download}\n"
           "ERROR: Job failed: execution took longer than 1h0m0s seconds\n")
    assert top_id(log) == "mtu-mismatch"


def test_the_same_download_hanging_outside_a_build_is_not_dind() -> None:
    log = ("$ mvn -B verify\n[INFO] Downloading from central: https://repo.maven.apache.org/"
           "maven2/org/x/y/1.0/y-1.0.pom\n"
           "ERROR: Job failed: execution took longer than 1h0m0s seconds\n")
    assert explain_log(log).verdict is Verdict.NOT_DIND


@pytest.mark.parametrize("failure", [
    "#8 12.41 npm ERR! request to https://registry.npmjs.org/express failed, reason: getaddrinfo "
    "EAI_AGAIN registry.npmjs.org",
    "#6 5.117 curl: (6) Could not resolve host: get.helm.sh",
    "#5 3.02 java.net.UnknownHostException: repo.maven.apache.org",
    "#5 0.412 wget: bad address 'dl-cdn.alpinelinux.org'",
])
def test_a_build_step_on_the_dind_service_that_cannot_resolve_outside_is_nested_dns(
        failure: str) -> None:
    log = ("variables:\n  DOCKER_HOST: tcp://docker:2376\n$ docker build -t app .\n"
           f"#5 [2/4] RUN make deps\n{failure}\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "nested-dns"


def test_a_classic_builder_run_step_on_the_dind_service_that_cannot_resolve_is_nested_dns(
        ) -> None:
    log = ("services:\n  - docker:dind\n$ docker build .\nStep 5/8 : RUN mvn -B package\n"
           " ---> Running in 0a1b2c3d4e5f\n[ERROR] Could not transfer artifact x:y:pom:1.0 from/to "
           "central (https://repo.maven.apache.org/maven2): Unknown host repo.maven.apache.org\n"
           "The command '/bin/sh -c mvn -B package' returned a non-zero code: 1\n"
           "ERROR: Job failed: exit code 1\n")
    assert top_id(log) == "nested-dns"


@pytest.mark.parametrize("log", [
    # the same lookup after the classic builder's step ended, by the job's own tool
    "services:\n  - docker:dind\n$ docker build .\nStep 5/8 : RUN mvn -B package\n"
    " ---> Running in 0a1b2c3d4e5f\nRemoving intermediate container 0a1b2c3d4e5f\n"
    " ---> 1234567890ab\nSuccessfully built 1234567890ab\n$ mvn deploy\n[ERROR] Could not "
    "transfer artifact x from/to central (https://repo.maven.apache.org/maven2): Unknown host "
    "repo.maven.apache.org\nERROR: Job failed: exit code 1\n",
    # the same build with no dind service in sight
    "$ docker build -t app .\n#6 [2/4] RUN make deps\n#6 5.117 curl: (6) Could not resolve "
    "host: get.helm.sh\nERROR: Job failed: exit code 1\n",
    # the same lookup by a tool in the job, not in a build step
    "services:\n  - docker:24.0.7-dind\n$ npm ci\nnpm ERR! request to https://registry.npmjs.org/x "
    "failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org\nERROR: Job failed: exit code 1\n",
])
def test_an_outside_name_that_does_not_resolve_without_a_dind_build_is_not_nested_dns(
        log: str) -> None:
    assert "nested-dns" not in [c.entry.id for c in explain_log(log).candidates]


def test_a_cli_without_the_buildx_plugin_is_no_dind_mode() -> None:
    log = ("$ docker buildx build --platform linux/arm64 -t app .\n"
           "docker: 'buildx' is not a docker command.\nSee 'docker --help'\n"
           "ERROR: Job failed: exit code 1\n")
    assert explain_log(log).verdict is not Verdict.DIND_FAILURE


@pytest.mark.parametrize("stall", [
    "#9 18.51 WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, "
    "status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='"
    "files.pythonhosted.org', port=443): Read timed out. (read timeout=15)\")': /packages/x.whl",
    "#9 40.02 npm ERR! code ERR_SOCKET_TIMEOUT",
    "#9 35.12 npm ERR! request to https://registry.npmjs.org/x failed, reason: Client network "
    "socket disconnected before secure TLS connection was established",
    "#9 12.40 WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, "
    "status=None)) after connection broken by 'SSLError(SSLEOFError(8, 'EOF occurred in "
    "violation of protocol (_ssl.c:1129)'))': /simple/flask/",
    "#9 20.01 fatal: unable to access 'https://github.com/x/y.git/': gnutls_handshake() failed: "
    "The TLS connection was non-properly terminated.",
])
def test_a_download_in_a_build_on_the_dind_service_that_stalls_is_the_mtu(stall: str) -> None:
    log = ("services:\n  - name: docker:26-dind\n$ docker build -t app .\n"
           f"#9 [5/8] RUN make deps\n{stall}\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "mtu-mismatch"


@pytest.mark.parametrize("log", [
    # no dind service in sight: the host's daemon built it
    "$ docker build -t app .\n#9 [5/8] RUN make deps\n#9 18.51 WARNING: Retrying after "
    "connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): "
    "Read timed out. (read timeout=15)\")': /simple/x/\nERROR: Job failed: exit code 1\n",
    # the timeout is the job's own tool after the build
    "services:\n  - docker:26-dind\n$ docker build -t app .\n#9 [5/8] RUN make deps\n#9 DONE 3.1s\n"
    "$ pip install -r requirements.txt\nWARNING: Retrying after connection broken by "
    "'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed out.\")': "
    "/simple/x/\nERROR: Job failed: exit code 1\n",
])
def test_a_stalled_download_outside_a_build_on_the_dind_service_is_not_the_mtu(log: str) -> None:
    assert "mtu-mismatch" not in [c.entry.id for c in explain_log(log).candidates]


def test_a_daemon_that_started_on_vfs_is_not_the_start_up_failure() -> None:
    log = SERVICE_BLOCK.format(
        line='level=info msg="Docker daemon" commit=4c9b3b0 containerd-snapshotter=false '
             "storage-driver=vfs version=26.1.3") + (
        "$ docker info\nCannot connect to the Docker daemon at tcp://docker:2375. Is the docker "
        "daemon running?\nERROR: Job failed: exit code 1\n")
    top = explain_log(log).top
    assert top is not None and top.entry.id != "storage-driver-vfs-fallback"


IP6_WARNING = ('level=warning msg="ip6tables is enabled, but cannot set up ip6tables chains" '
               'error="failed to create NAT chain DOCKER: iptables failed: ip6tables --wait -t '
               "nat -N DOCKER: ip6tables v1.8.10 (legacy): can't initialize ip6tables table "
               "`nat': Table does not exist (do you need to insmod?)\"")


def test_a_daemon_warning_in_the_service_log_is_not_its_start_up_failure() -> None:
    listening = '\n2023-01-01T00:00:01.000000000Z level=info msg="API listen on [::]:2376"'
    log = SERVICE_BLOCK.format(line=IP6_WARNING + listening) + (
        "$ docker info\nCannot connect to the Docker daemon at tcp://docker:2375. Is the docker "
        "daemon running?\nERROR: Job failed: exit code 1\n")
    top = explain_log(log).top
    assert top is not None and top.entry.id not in ("iptables-backend-mismatch",
                                                     "missing-kernel-netfilter-modules")


def test_the_same_ip6tables_failure_that_stops_the_daemon_is_the_missing_module() -> None:
    line = ("failed to start daemon: Error initializing network controller: error obtaining "
            'controller instance: failed to register "bridge" driver: failed to create NAT chain '
            "DOCKER: iptables failed: ip6tables --wait -t nat -N DOCKER: ip6tables v1.8.10 "
            "(legacy): can't initialize ip6tables table `nat': Table does not exist (do you need "
            "to insmod?)")
    log = SERVICE_BLOCK.format(line=line) + (
        '$ docker info\nerror during connect: Get "http://docker:2375/v1.24/info": dial tcp: '
        "lookup docker on 10.0.0.2:53: no such host\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "missing-kernel-netfilter-modules"


@pytest.mark.parametrize("error", ["> javax.net.ssl.SSLException: Unrecognized SSL message, "
                                   "plaintext connection?"])
def test_a_tls_error_of_the_gradle_docker_plugins_build_is_the_daemons(error: str) -> None:
    log = ("$ ./gradlew dockerBuildImage\nBuilding image using context '/builds/app/build/"
           "docker'.\nUsing images 'registry.example/app:1.0'.\n* What went wrong:\n"
           f"Execution failed for task ':dockerBuildImage'.\n{error}\n"
           "ERROR: Job failed: exit code 1\n")
    assert top_id(log) == "daemon-plain-client-expects-tls"


@pytest.mark.parametrize(("frame", "error", "expected"), [
    ("\tat io.fabric8.maven.docker.access.hc.DockerAccessWithHcClient.getServerApiVersion"
     "(DockerAccessWithHcClient.java:140)",
     "Caused by: sun.security.validator.ValidatorException: PKIX path building failed: sun."
     "security.provider.certpath.SunCertPathBuilderException: unable to find valid certification "
     "path to requested target", "tls-unknown-authority"),
    ('  File "/usr/lib/python3/dist-packages/../site-packages/docker/api/client.py", line 214, '
     "in _retrieve_server_version",
     "ssl.CertificateError: hostname 'ci-dind' doesn't match either of 'a1b2c3', 'docker', "
     "'localhost'", "tls-san-mismatch-custom-alias"),
])
def test_a_certificate_error_in_a_docker_client_librarys_trace_names_its_mode(
        frame: str, error: str, expected: str) -> None:
    assert top_id(f"$ mvn package\n{frame}\n{error}\nERROR: Job failed: exit code 1\n") == expected


def test_a_proxy_answering_a_request_to_the_daemons_port_is_the_clients_proxy() -> None:
    for answer in ("CONNECT tunnel failed, response 403", "Received HTTP code 403 from proxy "
                   "after CONNECT"):
        log = (f"$ curl -sS https://dind.example:2376/_ping\ncurl: (56) {answer}\n"
               "ERROR: Job failed: exit code 56\n")
        assert top_id(log) == "proxy-not-propagated"


def test_a_proxy_refusing_another_servers_request_names_no_dind_mode() -> None:
    log = ("$ curl -sS https://downloads.example.org/tool.tgz\n"
           "curl: (56) Received HTTP code 403 from proxy after CONNECT\n"
           "ERROR: Job failed: exit code 56\n")
    assert explain_log(log).top is None


def test_a_refused_2375_next_to_pasted_daemon_lines_binding_2375_is_the_race() -> None:
    log = ("docker: Cannot connect to the Docker daemon at tcp://ci-docker:2375. Is the docker "
           "daemon running?.\n"
           'time="2024-03-01T10:00:00.1Z" level=info msg="Starting up"\n'
           'time="2024-03-01T10:00:00.2Z" level=warning msg="Binding to IP address without '
           '--tlsverify is insecure and gives root access on this machine to everyone who has '
           'access to your network." host="tcp://0.0.0.0:2375"\n')
    assert top_id(log) == "daemon-not-ready-race"


def test_a_refused_localhost_2376_on_the_kubernetes_executor_is_its_wiring() -> None:
    log = ("Using Kubernetes executor with image docker:27 ...\n$ docker info\n"
           "failed to connect to the docker API at tcp://localhost:2376; check if the path is "
           "correct and if the daemon is running\nERROR: Job failed: command terminated with "
           "exit code 1\n")
    assert top_id(log) == "k8s-executor-wiring"


UNVERIFIED = ("/usr/lib/python3/dist-packages/urllib3/connectionpool.py:1045: Insecure"
              "RequestWarning: Unverified HTTPS request is being made to host '10.0.0.4'. Adding "
              "certificate verification is strongly advised. See: https://urllib3.readthedocs.io"
              "/en/latest/advanced-usage.html#ssl-warnings")


def test_an_unverified_request_despite_docker_tls_verify_is_the_clients_reading() -> None:
    log = ("$ export DOCKER_HOST=tcp://10.0.0.4:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=/certs\n"
           f"$ docker-compose up -d\n{UNVERIFIED}\n")
    assert top_id(log) == "client-tls-env-semantics"


def test_an_unverified_request_without_tls_verification_asked_names_no_mode() -> None:
    log = f"$ export DOCKER_HOST=tcp://10.0.0.4:2376\n$ python deploy.py\n{UNVERIFIED}\n"
    assert explain_log(log).top is None


def test_an_unverified_request_to_another_host_names_no_mode() -> None:
    log = ("$ export DOCKER_HOST=tcp://10.0.0.4:2376 DOCKER_TLS_VERIFY=1\n$ python deploy.py\n"
           + UNVERIFIED.replace("'10.0.0.4'", "'api.corp.example'") + "\n")
    assert explain_log(log).top is None


@pytest.mark.parametrize(("expected", "log"), [
    ("certs-client-not-shared", 'could not read CA certificate "D:\\ci\\certs\\ca.pem": open '
                                "D:\\ci\\certs\\ca.pem: The system cannot find the path "
                                "specified."),
    ("certs-client-not-shared", "WARN [app::sync] error: Cannot open/read certificate with path: "
                                "/home/ci/.docker/ca.pem"),
    ("certs-client-not-shared", "Mar 02 10:11:12 build01 dockerd[812]: http: TLS handshake error "
                                "from 10.9.8.7:40112: tls: client didn't provide a certificate"),
    ("client-tls-env-semantics", "Could not read CA certificate /root/.docker/ca.pem: open "
                                 "/root/.docker/ca.pem: no such file or directory"),
    ("certs-shared-stale-or-concurrent", 'Error checking TLS connection: Error checking and/or '
                                         'regenerating the certs: There was an error validating '
                                         'certificates for host "10.1.1.9:2376": remote error: '
                                         "tls: bad certificate"),
    ("client-plain-http-to-tls-port", "Error response from daemon: Client sent an HTTP request "
                                      "to an HTTPS"),
    ("daemon-plain-client-expects-tls", 'Get "https://10.4.4.4:2375/v1.41/_ping": http: server '
                                        "gave HTTP response to HTTPS client"),
    ("compose-missing", "ls: cannot access '/root/.docker/cli-plugins/docker-compose': No such "
                        "file or directory"),
    ("testcontainers-api-too-old", "UnixSocketClientProviderStrategy: failed with exception "
                                   'BadRequestException (Status 400: {"ID":"","Containers":0,'
                                   '"ContainersRunning":0})'),
    ("tls-unknown-authority", "2025-01-01T00:00:00Z [DOCKER] ERROR: AxiosError: self-signed "
                              "certificate in certificate chain"),
])
def test_wordings_of_round_6_clients_name_their_mode(expected: str, log: str) -> None:
    assert top_id(log) == expected


def test_the_old_clis_tls_hint_under_a_missing_socket_is_the_socket() -> None:
    log = ("Get http:///var/run/docker.sock/v1.19/info: dial unix /var/run/docker.sock: no such "
           "file or directory.\n* Are you trying to connect to a TLS-enabled daemon without TLS?\n"
           "* Is your docker daemon up and running?\n")
    assert top_id(log) == "docker-host-unset-unix-socket"


def test_a_node_certificate_error_without_a_docker_endpoint_names_no_mode() -> None:
    log = ("npm ERR! code UNABLE_TO_VERIFY_LEAF_SIGNATURE\n"
           "npm ERR! errno UNABLE_TO_VERIFY_LEAF_SIGNATURE\n"
           "npm ERR! request to https://registry.npmjs.org/x failed, reason: unable to verify "
           "the first certificate\n")
    assert explain_log(log).top is None


def test_a_hosted_runner_whose_helper_cannot_start_is_the_fleets_side() -> None:
    log = ("Running with gitlab-runner 13.1.0 (6214287e)\n  on docker-auto-scale 72989761\n"
           "Using Docker executor with image ruby:2.7 ...\n"
           'ERROR: Job failed (system failure): Error response from daemon: OCI runtime create '
           'failed: container_linux.go:349: starting container process caused "exec: '
           '\\"gitlab-runner-build\\": executable file not found in $PATH": unknown\n')
    assert top_id(log) == "gitlab-saas-runner-specifics"


@pytest.mark.parametrize("line", [
    # the runner's lines on every job with a dind service, healthy or not
    "Starting service docker:27.3.1-dind...",
    "Starting service registry.corp.example:5050/mirror/docker:27-dind...",
    "Waiting for services to be up and running (timeout 30 seconds)...",
    "Using effective pull policy of [always] for container docker:27.3.1-dind",
    "Pulling docker image docker:27.3.1-dind ...",
    "Using docker image sha256:5c4e3d2b1a09 for docker:27.3.1-dind with digest docker@sha256:"
    "0a1b2c3d4e5f ...",
    "Using helper image:  registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:"
    "x86_64-v17.9.1",
    "Will be retried in 3s ...",
    "Service docker:27-dind is already created. Ignoring.",
    'WARNING: Failed to pull image with policy "always": Error response from daemon: Get "https://'
    'registry.corp.example/v2/": context deadline exceeded (manager.go:250:5s)',
    # the headers of the warning block and the health check's other lines
    "Health check error:", "Health check container logs:", "Service container logs:",
    "dialing 10.44.0.9:2376...", "dial succeeded on 10.44.0.9:2376. Exiting...",
    # a second service claiming the alias: healthy when the first is a dind too (weak)
    'Skipping alias "docker" for service "docker:27.3.1-dind" (services[2]): alias is already '
    "in use by another service.",
    # the dind entrypoint's certificate generation and iptables probe
    "Certificate request self-signature ok", "subject=CN = docker:dind server",
    "/certs/client/cert.pem: OK", "iptables v1.8.11 (nf_tables)", "iptables v1.8.11 (legacy)",
    # the CLI image's entrypoint, asked to run dockerd
    "\U0001f4ce Hey there!  It looks like you're trying to run a Docker daemon.",
    '   You probably should use the "dind" image variant instead, something like:',
    # dockerd on a plain listener (the slow start is weak: healthy jobs print it too)
    'time="2025-02-03T04:05:06Z" level=warning msg="Binding to IP address without --tlsverify '
    'is insecure and gives root access on this machine to everyone who has access to your '
    'network." host="tcp://0.0.0.0:2375"',
    'time="2025-02-03T04:05:07Z" level=warning msg="Binding to an IP address without '
    '--tlsverify is deprecated. Startup is intentionally being slowed down to show this '
    'message" host="tcp://0.0.0.0:2375"',
    'time="2025-02-03T04:05:22Z" level=info msg="API listen on [::]:2376"',
    # the image's modprobe wrapper and the kernel's modules, on every dind start without
    # /lib/modules
    "ip: can't find device 'nf_tables'", "ip: can't find device 'ip6_tables'",
    "modprobe: FATAL: Module ip6_tables not found in directory /lib/modules/6.8.0-1021-aws",
    # dockerd's start-up on healthy jobs (rootless: weak)
    'time="2025-03-01T10:00:00.1Z" level=warning msg="could not change group /var/run/docker.'
    'sock to docker: group docker not found"',
    'time="2025-03-01T10:00:01Z" level=info msg="Daemon has completed initialization"',
    'time="2025-03-01T10:00:01Z" level=info msg="[graphdriver] using prior storage driver: '
    'overlay2"',
    'time="2025-03-01T10:00:01Z" level=info msg="[graphdriver] trying configured driver: '
    'overlay2"',
    'time="2025-03-01T10:00:01Z" level=warning msg="Not using native diff for overlay2, this may '
    "cause degraded performance for building images: kernel has CONFIG_OVERLAY_FS_REDIRECT_DIR "
    'enabled" storage-driver=overlay2',
    'time="2025-03-01T10:00:01Z" level=warning msg="Running in rootless mode. This mode has '
    'feature limitations."',
    'time="2025-03-01T10:00:01Z" level=warning msg="[DEPRECATION NOTICE] In future versions this '
    "will be a hard failure preventing the daemon from starting! Learn more at: https://docs."
    'docker.com/go/api-security/" host="tcp://0.0.0.0:2375"',
])
def test_a_runner_or_dind_start_up_line_healthy_jobs_print_names_no_mode(line: str) -> None:
    assert top_id(line) is None


def test_dockerds_slowed_start_on_plain_2375_makes_a_refused_2375_the_race() -> None:
    log = ('time="2025-02-03T04:05:07Z" level=warning msg="Binding to an IP address without '
           '--tlsverify is deprecated. Startup is intentionally being slowed down to show this '
           'message" host="tcp://0.0.0.0:2375"\n$ docker info\nCannot connect to the Docker '
           "daemon at tcp://docker:2375. Is the docker daemon running?\n"
           "ERROR: Job failed: exit code 1\n")
    assert top_id(log) == "daemon-not-ready-race"


def test_the_runners_preparation_on_its_own_host_socket_is_not_dind() -> None:
    failed = ("ERROR: Preparation failed: Cannot connect to the Docker daemon at unix:///var/run/"
              "docker.sock. Is the docker daemon running? (docker.go:958:0s)\n")
    log = ("Running with gitlab-runner 17.9.1 (b92ee590)\nPreparing the \"docker\" executor\n"
           + (failed + "Will be retried in 3s ...\n") * 2
           + "ERROR: Job failed (system failure): Cannot connect to the Docker daemon at "
           "unix:///var/run/docker.sock. Is the docker daemon running? (docker.go:958:0s)\n")
    assert top_id(log) is None
    assert top_id(failed) is None


@pytest.mark.parametrize("line", [
    'ERROR: Job failed (system failure): Error response from daemon: invalid mount config for '
    'type "bind": bind source path does not exist: /opt/ci/certs',
    "ERROR: Job failed (system failure): Error response from daemon: Duplicate mount point: "
    "/certs/client",
    "ERROR: Job failed (system failure): Error response from daemon: error while creating mount "
    "source path '/opt/ci/certs/client': mkdir /opt/ci: read-only file system",
    "ERROR: Job failed (system failure): Error response from daemon: failed to create task for "
    "container: failed to create shim task: OCI runtime create failed: runc create failed: "
    "unable to start container process: error during container init: error mounting "
    '"/run/podman/podman.sock" to rootfs at "/var/run/docker.sock": not a directory: unknown',
])
def test_a_runner_volume_its_host_cannot_mount_is_not_dind(line: str) -> None:
    assert top_id(line) is None
    assert "runner-volume-config" in {s.kind.id for s in explain_log(line).shows}


def test_a_bind_mount_of_the_jobs_own_docker_run_is_still_dinds_file_system() -> None:
    log = ("$ docker run -v $PWD/conf:/conf alpine ls /conf\ndocker: Error response from daemon: "
           'invalid mount config for type "bind": bind source path does not exist: '
           "/builds/team/svc/conf.\nERROR: Job failed: exit code 125\n")
    assert top_id(log) == "bind-mount-path-not-in-dind"


@pytest.mark.parametrize("log", [
    'ERROR: Preparation failed: failed to pull image "registry.gitlab.com/gitlab-org/gitlab-'
    'runner/gitlab-runner-helper:arm64-v17.9.1" with specified policies [always]: Error response '
    'from daemon: Get "https://registry.gitlab.com/v2/": net/http: request canceled while waiting '
    "for connection (Client.Timeout exceeded while awaiting headers) (manager.go:238:15s)\n",
    'Pulling docker image docker:27.3.1-dind ...\nWARNING: Failed to pull image with policy '
    '"always": Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: '
    "lookup registry-1.docker.io on 10.0.0.2:53: no such host (manager.go:250:0s)\nERROR: Job "
    'failed: failed to pull image "docker:27.3.1-dind" with specified policies [always]: Error '
    'response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.'
    "docker.io on 10.0.0.2:53: no such host (manager.go:250:0s)\n",
])
def test_the_runners_own_pull_on_its_host_names_no_inner_daemon_network_mode(log: str) -> None:
    assert top_id(log) is None


def test_the_inner_daemons_pull_timing_out_in_the_script_is_still_dinds_proxy() -> None:
    log = ('$ docker pull node:20\nError response from daemon: Get "https://registry-1.docker.io'
           '/v2/": net/http: request canceled while waiting for connection (Client.Timeout '
           "exceeded while awaiting headers)\nERROR: Job failed: exit code 1\n")
    assert top_id(log) == "proxy-not-propagated"


def test_another_service_that_exited_before_the_link_is_not_dind() -> None:
    assert top_id("ERROR: Job failed (system failure): Error response from daemon: Cannot link "
                  "to a non running container: /runner-t0k3n-project-52-concurrent-1-postgres-0 "
                  "AS /runner-t0k3n-project-52-concurrent-1-build/postgres") is None


@pytest.mark.parametrize("log", [
    # docker+machine: the autoscaled machine's daemon on 2376, not the job's dind
    'ERROR: Preparation failed: error during connect: Post "https://10.128.0.45:2376/v1.25/'
    'containers/create?name=runner-t0k3n-project-52-concurrent-0-cache-3c3f": dial tcp '
    "10.128.0.45:2376: connect: connection refused (docker.go:721:0s)\nWill be retried in 3s ...\n",
    "ERROR: Preparation failed: Cannot connect to the Docker daemon at tcp://10.128.0.45:2376. Is "
    "the docker daemon running? (docker.go:958:0s)\nWill be retried in 3s ...\n",
    'ERROR: Preparation failed: error during connect: Get "https://34.1.2.3:2376/v1.24/info": '
    "x509: certificate is valid for 10.0.0.5, not 34.1.2.3\n",
    # the runner host's daemon pulling an image
    'ERROR: Preparation failed: Error response from daemon: Get "https://registry-1.docker.io/v2/"'
    ": net/http: TLS handshake timeout (docker.go:142:0s)\n",
])
def test_the_runners_preparation_on_the_daemon_it_runs_jobs_on_is_not_dind(log: str) -> None:
    assert top_id(log) is None


def test_the_runner_refusing_another_service_image_is_not_dind() -> None:
    log = ('ERROR: The "redis:7" image is not present on list of allowed services:\n- postgres:*\n'
           "Please check runner's allowed_images configuration: https://docs.gitlab.com/runner/"
           "configuration/advanced-configuration/\nERROR: Preparation failed: disallowed image\n")
    assert top_id(log) is None


OTHER_SERVICE_BLOCK = """*** WARNING: Service runner-t0k3n-project-52-concurrent-0-{name}-0 \
probably didn't start properly.

Health check error:
service "runner-t0k3n-project-52-concurrent-0-{name}-0-wait-for-service" timeout

Health check container logs:
waiting for TCP connection to 172.17.0.3 on [{ports}]...

Service container logs:
2025-01-01T00:00:00.000000000Z {line}

*********
"""


def test_the_warning_block_of_another_service_names_no_dind_health_check() -> None:
    block = OTHER_SERVICE_BLOCK.format(name="postgres", ports="5432", line="initdb: error: could "
                                       'not create directory "/var/lib/postgresql/data": '
                                       "Permission denied")
    assert top_id(block) is None
    dind = OTHER_SERVICE_BLOCK.format(name="docker", ports="2375 2376",
                                      line="Certificate request self-signature ok")
    assert top_id(block + dind) == "service-healthcheck-timeout"
    assert top_id(dind) == "service-healthcheck-timeout"
# the Kubernetes executor's lines of every job, healthy or not, and lines that only support a
# mode (a container over its disk limit that need not be dind, an exited service of unknown
# kind, the runner's host-alias warning)
@pytest.mark.parametrize("line", [
    "Waiting for pod builds/runner-zz81-project-7-concurrent-3-p0q1r2 to be running, status is "
    "Pending",
    "Waiting for pod builds/runner-zz81-project-7-concurrent-3-p0q1r2 to be running on the node "
    "<unknown>, status is Pending",
    '\tContainersNotReady: "containers with unready status: [build helper svc-0]"',
    "waiting for TCP connection to localhost on [2376]...",
    "dialing localhost:2376...",
    "ERROR: Job failed (system failure): prepare environment: waiting for pod running: container "
    "configuration error: container has runAsNonRoot and image will run as root (pod: \"runner-"
    "zz81_builds(5e1f)\", container: svc-0)",
    "WARNING: Checking for host alias support. Host aliases will be disabled. ",
    "Health check aborted due to error:  Error in container svc-0: exit code: 1, reason: 'Error'",
    "Error in container svc-2: exit code: 2, reason: 'Error'",
    'Container build exceeded its local ephemeral storage limit "6Gi". ',
    'Usage of EmptyDir volume "scratch" exceeds the limit "5Gi". ',
    "2026-01-20 08:13:32.101  DEBUG --- Waiting until Docker is available or the timeout of 90 "
    "seconds is reached",
])
def test_a_kubernetes_executor_line_alone_names_no_mode(line: str) -> None:
    assert top_id(line) is None


@pytest.mark.parametrize("line", [
    "ERROR: Job failed (system failure): prepare environment: waiting for pod running: timed out "
    "waiting for pod to start (last phase: Pending). Check https://docs.gitlab.com/runner/shells/"
    "#shell-profile-loading for more information",
    "ERROR: Job failed (system failure): timed out waiting for pod to become attachable",
    'ERROR: Job failed (system failure): unable to upgrade connection: container not found '
    '("build")',
    'ERROR: Job failed: pod "builds/runner-zz81-project-7-concurrent-3-p0q1r2" is being deleted',
    "ERROR: Job failed (system failure): prepare environment: waiting for pod running: pulling "
    'image "docker:28.1-dind" for container svc-0: image pull failed: Back-off pulling image '
    '"docker:28.1-dind". Check https://docs.gitlab.com/runner/shells/#shell-profile-loading for '
    "more information",
    "ERROR: Job failed (system failure): prepare environment: waiting for pod running: container "
    'configuration error: secret "ci-registry-pull" not found. Check https://docs.gitlab.com/'
    "runner/shells/#shell-profile-loading for more information",
    'ERROR: Job failed: pod "builds/runner-zz81" is disrupted: reason "PreemptionByScheduler", '
    'message "Kubernetes Scheduler: preempting to accommodate a higher priority pod"',
    'ERROR: Job failed: pod "builds/runner-zz81" is disrupted: reason "TerminationByKubelet", '
    'message "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. '
    'Container build was using 3Gi, which exceeds its request of 1Gi. "',
])
def test_a_build_pod_the_cluster_did_not_run_is_not_dind(line: str) -> None:
    log = ("Using Kubernetes executor with image docker:28.1 ...\n"
           "Waiting for pod builds/runner-zz81-project-7-concurrent-3-p0q1r2 to be running on "
           "the node <unknown>, status is Pending\n"
           '\tUnschedulable: "0/6 nodes are available: 6 Insufficient cpu. preemption: 0/6 nodes '
           'are available: 6 No preemption victims found for incoming pod."\n' + line + "\n")
    expl = explain_log(log)
    assert expl.verdict is Verdict.NOT_DIND
    assert expl.shows and expl.shows[0].kind.id == "k8s-pod-not-running"


K8S_SERVICE_EXITED = "ERROR: Job failed: Error in container svc-0: exit code: 1, reason: 'Error'\n"


@pytest.mark.parametrize("before", [
    # the runner's health check waited on the dind port (HEALTHCHECK_TCP_PORT)
    "waiting for TCP connection to localhost on [2376 5432]...\ndialing localhost:2376...\n"
    "Health check aborted due to error:  Error in container svc-0: exit code: 1, reason: "
    "'Error'\n",
    # the job's client found no daemon on the pod's localhost
    "$ docker version\nCannot connect to the Docker daemon at tcp://localhost:2375. Is the "
    "docker daemon running?\n",
])
def test_a_service_of_the_pod_that_exited_next_to_a_docker_port_is_the_daemons_start_up(
        before: str) -> None:
    assert top_id(before + K8S_SERVICE_EXITED) == "service-healthcheck-timeout"


def test_a_service_of_the_pod_that_exited_without_a_docker_port_names_no_mode() -> None:
    log = ("waiting for TCP connection to localhost on [5432]...\n"
           "dialing localhost:5432...\n" + K8S_SERVICE_EXITED)
    assert top_id(log) is None


@pytest.mark.parametrize("log", [
    '$ kubectl apply -f deploy/\nError from server (Forbidden): error when creating "deploy/'
    'node-agent.yaml": pods "node-agent" is forbidden: violates PodSecurity "baseline:latest": '
    'privileged (container "agent" must not set securityContext.privileged=true)\n'
    "ERROR: Job failed: exit code 1\n",
    '$ oc create -f probe-pod.yaml\nError from server (Forbidden): pods "probe" is forbidden: '
    "unable to validate against any security context constraint: [spec.containers[0]."
    "securityContext.privileged: Invalid value: true: Privileged containers are not allowed]\n"
    "ERROR: Job failed: exit code 1\n",
])
def test_a_cluster_refusing_a_privileged_workload_the_job_deploys_is_not_dind(log: str) -> None:
    expl = explain_log(log)
    assert expl.verdict is Verdict.NOT_DIND
    assert expl.shows[0].kind.id == "deploy-refused"


def test_a_service_container_of_the_pod_killed_for_memory_is_out_of_memory() -> None:
    log = ("$ docker build -t app .\n#9 [4/6] RUN make -j8\n"
           "ERROR: Job failed: Error in container svc-0: exit code: 137, reason: 'OOMKilled'\n")
    expl = explain_log(log)
    assert expl.verdict is Verdict.NOT_DIND
    assert expl.shows[0].kind.id == "out-of-memory"


def test_a_pod_security_refusal_that_does_not_name_privileged_is_not_privileged_missing() -> None:
    """Pod Security admission lists what it refuses; a restricted profile refusing a pod for
    its capabilities or user is the cluster's policy, not a dind service that lacks
    privileged mode."""
    line = ('ERROR: Job failed (system failure): prepare environment: setting up build pod: pods '
            '"runner-q7w2-project-19-concurrent-0-x8y9z0" is forbidden: violates PodSecurity '
            '"restricted:latest": allowPrivilegeEscalation != false (container "build" must set '
            'securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or '
            'container "build" must set securityContext.runAsNonRoot=true)')
    assert top_id(line) != "privileged-missing"


@pytest.mark.parametrize("line", [
    "ERROR: SSL error: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version "
    "(_ssl.c:1123)",
    "ERROR: SSL error: HTTPSConnectionPool(host='dind.example', port=2376): Max retries exceeded "
    "with url: /v1.30/info (Caused by SSLError(SSLError(1, '[SSL: TLSV1_ALERT_PROTOCOL_VERSION] "
    "tlsv1 alert protocol version (_ssl.c:852)'),))",
])
def test_compose_speaking_tlsv1_to_the_daemon_is_its_tls_settings(line: str) -> None:
    assert top_id(line) == "client-tls-env-semantics"


def test_pips_tlsv1_refusal_names_no_dind_mode() -> None:
    log = ("Could not fetch URL https://pypi.python.org/simple/requests/: There was a problem "
           "confirming the ssl certificate: HTTPSConnectionPool(host='pypi.python.org', port=443):"
           " Max retries exceeded with url: /simple/requests/ (Caused by SSLError(SSLError(1, "
           "'[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version (_ssl.c:590)'),))\n")
    assert explain_log(log).verdict is not Verdict.DIND_FAILURE


def test_a_go_clients_oversized_record_on_the_tls_port_is_a_plain_daemon() -> None:
    line = 'Get "https://172.17.0.3:2376/v1.41/version": tls: oversized record received with ' \
           "length 20527"
    assert top_id(line) == "daemon-plain-client-expects-tls"


SHELL_YAML = "image: docker:24-git\nservices:\n  - name: docker:24-dind\nbefore_script:\n" \
             "  - apk add --no-cache make\n"


def test_bash_without_apk_for_a_docker_image_job_is_the_shell_executor() -> None:
    log = f"{SHELL_YAML}$ apk add --no-cache make\nbash: line 120: apk: command not found\n"
    assert top_id(log) == "shell-executor-specifics"


def test_bash_without_apk_on_an_ordinary_image_is_no_dind_failure() -> None:
    log = "image: ubuntu:22.04\n$ apk add curl\nbash: line 12: apk: command not found\n"
    assert explain_log(log).verdict is not Verdict.DIND_FAILURE


def test_sysfs_denied_under_a_rootless_dind_is_rootless_dind() -> None:
    log = ("services:\n  - docker:27-dind-rootless\n$ docker run --rm alpine true\n"
           'docker: Error response from daemon: failed to create task for container: OCI runtime '
           'create failed: runc create failed: unable to start container process: error during '
           'container init: error mounting "sysfs" to rootfs at "/sys": mount sysfs:/sys (via '
           '/proc/self/fd/7), flags: 0xf: operation not permitted: unknown\n')
    assert top_id(log) == "rootless-dind"
