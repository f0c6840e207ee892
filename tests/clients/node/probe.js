// Run one real Node Docker client against the environment it is given and print what happened
// as one JSON line: node probe.js dockerode | testcontainers [image-to-run]
"use strict";

async function dockerode() {
  const Docker = require("dockerode");
  const docker = new Docker();
  const modem = docker.modem;
  const out = { protocol: modem.protocol, host: modem.host || null, port: modem.port || null };
  try {
    await docker.ping();
    return { ok: true, ...out };
  } catch (err) {
    return { ok: false, error: String(err && err.message || err), ...out };
  }
}

async function testcontainers(image) {
  const tc = require("testcontainers");
  try {
    const client = await tc.getContainerRuntimeClient();
    const out = { ok: true, host: client.info.containerRuntime.host };
    if (image) {
      const started = await new tc.GenericContainer(image)
        .withCommand(["sh", "-c", "while true; do echo ok | nc -l -p 8080; done"])
        .withExposedPorts(8080)
        .withStartupTimeout(8000)
        .start()
        .then((c) => ({ container: c }), (err) => ({ error: String(err && err.message || err) }));
      if (started.container) {
        out.mapped = `${started.container.getHost()}:${started.container.getMappedPort(8080)}`;
        await started.container.stop({ timeout: 1 });
      } else {
        out.ok = false;
        out.error = started.error;
      }
    }
    return out;
  } catch (err) {
    return { ok: false, error: String(err && err.message || err) };
  }
}

(async () => {
  const [mode, image] = process.argv.slice(2);
  const result = mode === "dockerode" ? await dockerode() : await testcontainers(image);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
})();
