import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseStackState, portsOf, readStackState, writeStackState, type StackState } from "./stackState.ts";

const running: StackState = {
  formatVersion: 1,
  kafka: { pid: 4242, version: "4.4.0", javaPath: "java", logFile: "/s/logs/kafka.log", startedAt: "2026-11-23T10:00:00.000Z", host: "127.0.0.1", brokerPort: 41000, controllerPort: 41001, dataDir: "/s/data/kafka" },
  registry: { pid: 4343, version: "3.3.3", javaPath: "/jdk/bin/java", logFile: "/s/logs/registry.log", startedAt: "2026-11-23T10:00:01.000Z", host: "127.0.0.1", httpPort: 42000, managementPort: 42001, url: "http://127.0.0.1:42000/apis/ccompat/v7", dataDir: "/s/data/registry-3.3.3", storage: "H2 file" },
  lastPorts: { brokerPort: 1, controllerPort: 2, httpPort: 3, managementPort: 4 },
};

describe("stack state file", () => {
  it("round-trips what the stack recorded", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "witness-state-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "state.json");
    await writeStackState(path, running);
    assert.deepEqual(await readStackState(path), { state: running });
  });

  it("reads a missing file as a stack that never ran", async () => {
    assert.deepEqual(await readStackState("/nonexistent/state.json"), { state: { formatVersion: 1 } });
  });

  it("treats a damaged file as empty and says what is wrong with it", () => {
    const notJson = parseStackState("{ half");
    assert.deepEqual(notJson.state, { formatVersion: 1 });
    assert.match(notJson.problem ?? "", /not JSON/);

    const foreign = parseStackState(JSON.stringify({ formatVersion: 1, kafka: { pid: -3 } }));
    assert.deepEqual(foreign.state, { formatVersion: 1 });
    assert.match(foreign.problem ?? "", /kafka\.pid/);
  });

  it("prefers the ports of what runs, and falls back to those of the last run", () => {
    assert.deepEqual(portsOf(running), { brokerPort: 41000, controllerPort: 41001, httpPort: 42000, managementPort: 42001 });
    assert.deepEqual(portsOf({ formatVersion: 1, lastPorts: { brokerPort: 1, httpPort: 3 } }), { brokerPort: 1, httpPort: 3 });
    assert.deepEqual(portsOf({ formatVersion: 1, kafka: running.kafka, lastPorts: { httpPort: 3 } }), { brokerPort: 41000, controllerPort: 41001, httpPort: 3 });
  });
});
