import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kafkaContainerEnvironment, kafkaImage, registryImage } from "./containerStack.ts";

describe("kafka container settings", () => {
  const env = kafkaContainerEnvironment("localhost", 41000);

  it("advertises the host address and host port clients connect to", () => {
    assert.match(env.KAFKA_ADVERTISED_LISTENERS!, /^PLAINTEXT:\/\/localhost:41000,/);
  });

  it("keeps the broker's own connections (transaction markers) on an in-container listener", () => {
    assert.equal(env.KAFKA_INTER_BROKER_LISTENER_NAME, "BROKER");
    assert.match(env.KAFKA_ADVERTISED_LISTENERS!, /BROKER:\/\/localhost:9094/);
  });

  it("is a single KRaft node with replication factor and min ISR 1", () => {
    assert.equal(env.KAFKA_PROCESS_ROLES, "broker,controller");
    assert.equal(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, "1");
    assert.equal(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR, "1");
    assert.equal(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, "1");
  });

  it("runs the same versions as the local stack", () => {
    assert.match(kafkaImage, /^apache\/kafka:4\.\d+\.\d+$/);
    assert.match(registryImage, /^apicurio\/apicurio-registry:3\.\d+\.\d+$/);
  });
});
