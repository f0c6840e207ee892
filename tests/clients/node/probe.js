// Run one real Node Docker client against the environment it is given and print what happened
// as one JSON line: node probe.js dockerode | testcontainers [port-to-dial]
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

// The runtime client Testcontainers builds from the environment, and whether the host it would
// dial for mapped ports answers on `port` (a port the daemon's host publishes).
async function testcontainers(port) {
  const tc = require("testcontainers");
  let client;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (err) {
    return { ok: false, error: String(err && err.message || err) };
  }
  const host = client.info.containerRuntime.host;
  const out = { ok: true, host };
  if (port) {
    out.reachable = await new Promise((resolve) => {
      const socket = require("net").connect({ host, port: Number(port), timeout: 3000 });
      socket.on("connect", () => { socket.destroy(); resolve(true); });
      socket.on("timeout", () => { socket.destroy(); resolve(false); });
      socket.on("error", () => resolve(false));
    });
  }
  return out;
}

(async () => {
  const [mode, port] = process.argv.slice(2);
  const result = mode === "dockerode" ? await dockerode() : await testcontainers(port);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
})();
