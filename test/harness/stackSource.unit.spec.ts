import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isWitnessError } from "../../src/errors/witnessError.ts";
import { chooseStackSource } from "./stackSource.ts";

/** A Docker probe that answers `isAvailable` and remembers whether it was asked. */
const dockerProbe = (isAvailable: boolean) => {
  const probe = { asked: 0, check: async () => { probe.asked += 1; return isAvailable; } };
  return probe;
};

describe("harness stack source", () => {
  it("uses the cluster from the environment when both addresses are set, without asking Docker", async () => {
    const docker = dockerProbe(true);
    const choice = await chooseStackSource({ KAFKA_BROKERS: "k:9092", SCHEMA_REGISTRY_URL: "http://r:8081" }, docker.check);
    assert.equal(choice.source, "environment");
    assert.equal(docker.asked, 0);
  });

  it("says when the addresses are the run's shared stack from run-tests", async () => {
    const choice = await chooseStackSource({ KAFKA_BROKERS: "k:9092", SCHEMA_REGISTRY_URL: "http://r:8081", WITNESS_TEST_STACK_SOURCE: "local" }, dockerProbe(false).check);
    assert.equal(choice.source, "environment");
    assert.match(choice.reason, /run-tests\.ts provides the run's local stack/);
  });

  it("uses testcontainers when nothing is set and a Docker engine answers", async () => {
    assert.equal((await chooseStackSource({}, dockerProbe(true).check)).source, "testcontainers");
  });

  it("uses the local stack when nothing is set and no Docker engine answers", async () => {
    const choice = await chooseStackSource({}, dockerProbe(false).check);
    assert.equal(choice.source, "local");
    assert.match(choice.reason, /no Docker engine/);
  });

  it("treats blank variables as unset", async () => {
    assert.equal((await chooseStackSource({ KAFKA_BROKERS: " ", SCHEMA_REGISTRY_URL: "" }, dockerProbe(false).check)).source, "local");
  });

  it("refuses half a configuration and names the missing variable", async () => {
    await assert.rejects(chooseStackSource({ KAFKA_BROKERS: "k:9092" }, dockerProbe(true).check), (error: unknown) => isWitnessError(error) && error.domain === "user" && /set SCHEMA_REGISTRY_URL too/.test(error.message));
    await assert.rejects(chooseStackSource({ SCHEMA_REGISTRY_URL: "http://r" }, dockerProbe(true).check), /set KAFKA_BROKERS too/);
  });

  it("can be forced to the local stack even when Docker answers", async () => {
    const docker = dockerProbe(true);
    assert.equal((await chooseStackSource({ WITNESS_TEST_STACK: "local" }, docker.check)).source, "local");
    assert.equal(docker.asked, 0);
  });

  it("refuses a forced testcontainers source without a Docker engine, and an unknown source", async () => {
    await assert.rejects(chooseStackSource({ WITNESS_TEST_STACK: "testcontainers" }, dockerProbe(false).check), /no Docker engine answers/);
    assert.equal((await chooseStackSource({ WITNESS_TEST_STACK: "testcontainers" }, dockerProbe(true).check)).source, "testcontainers");
    await assert.rejects(chooseStackSource({ WITNESS_TEST_STACK: "k8s" }, dockerProbe(true).check), /use "local" or "testcontainers"/);
  });
});
