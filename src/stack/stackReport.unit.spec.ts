import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LocalStackStatus } from "./localStack.ts";
import { describeLocalStack, describeLocalStackStatus, describeStopResult } from "./stackReport.ts";

const stack = { brokers: ["127.0.0.1:41000"], registryUrl: "http://127.0.0.1:42000/apis/ccompat/v7", startedNow: true, started: { kafka: true, registry: true }, kafkaVersion: "4.4.0", registryVersion: "3.3.3", stackDir: "/s" };

describe("stack report", () => {
  it("tells how to point other shells at a started stack", () => {
    const text = describeLocalStack(stack);
    assert.match(text, /^Local stack started/);
    assert.match(text, /export KAFKA_BROKERS=127\.0\.0\.1:41000$/m);
    assert.match(text, /export SCHEMA_REGISTRY_URL=http:\/\/127\.0\.0\.1:42000\/apis\/ccompat\/v7$/m);
    assert.match(describeLocalStack({ ...stack, startedNow: false }), /^Local stack already running/);
  });

  it("shows where each part runs, where its registry keeps schemas, and what is cached", () => {
    const status: LocalStackStatus = {
      stackDir: "/s",
      kafka: {
        health: "running",
        brokers: ["127.0.0.1:41000"],
        recorded: { pid: 10, version: "4.4.0", javaPath: "java", logFile: "/s/logs/kafka.log", startedAt: "2026-11-23T10:00:00.000Z", host: "127.0.0.1", brokerPort: 41000, controllerPort: 41001, dataDir: "/s/data/kafka" },
      },
      registry: {
        health: "not-answering",
        recorded: { pid: 11, version: "3.3.3", javaPath: "java", logFile: "/s/logs/registry.log", startedAt: "2026-11-23T10:00:00.000Z", host: "127.0.0.1", httpPort: 42000, managementPort: 42001, url: "http://127.0.0.1:42000/apis/ccompat/v7", dataDir: "/s/data/r", storage: "H2 database file in /s/data/r (kept across restarts)" },
      },
      cachedArtifacts: ["apicurio-registry-3.3.3", "kafka-4.4.0"],
      versions: { kafka: "4.4.0", registry: "3.3.3" },
    };
    const text = describeLocalStackStatus(status);
    assert.match(text, /Kafka: {4}running/);
    assert.match(text, /4\.4\.0 at 127\.0\.0\.1:41000 \(pid 10/);
    assert.match(text, /Registry: running but NOT ANSWERING/);
    assert.match(text, /storage: H2 database file in \/s\/data\/r/);
    assert.match(text, /Cached: {3}apicurio-registry-3\.3\.3, kafka-4\.4\.0/);
    assert.match(text, /Start it with `witness stack up`/);
  });

  it("says what a stop did to each part", () => {
    assert.equal(describeStopResult({ kafka: "terminated", registry: "not-recorded" }), "Kafka: stopped.\nSchema registry: was not running.");
  });
});
