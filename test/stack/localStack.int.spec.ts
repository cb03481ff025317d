import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { Kafka, logLevel } from "kafkajs";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.ts";
import { ensureLocalStack, localStackStatus } from "../../src/stack/localStack.ts";
import { harnessLogger, testStack, uniqueName } from "../harness/index.ts";

describe("the test stack", () => {
  it("carries a message from an idempotent producer to a consumer group on a fresh topic", async () => {
    const { brokers } = await testStack();
    const kafka = new Kafka({ clientId: uniqueName("stack-test"), brokers, logLevel: logLevel.NOTHING });
    const topic = uniqueName("stack-roundtrip");
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 10 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    try {
      await producer.send({ topic, messages: sent });
    } finally {
      await producer.disconnect();
    }

    const consumer = kafka.consumer({ groupId: uniqueName("stack-group") });
    await consumer.connect();
    const received: { key: string; value: string }[] = [];
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              received.push({ key: message.key!.toString(), value: message.value!.toString() });
              if (received.length === sent.length) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(received.sort((a, b) => a.key.localeCompare(b.key)), sent);
  });

  it("registers an Avro schema and round-trips a record through the Confluent wire format", async () => {
    const { registryUrl } = await testStack();
    const registry = new SchemaRegistry({ host: registryUrl });
    const subject = `${uniqueName("stack-subject")}-value`;
    const schema = JSON.stringify({
      type: "record",
      name: "StackProbe",
      namespace: "dev.witness.test",
      fields: [
        { name: "id", type: "string" },
        { name: "count", type: "int" },
      ],
    });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
    assert.equal(await registry.getLatestSchemaId(subject), id);

    const encoded = await registry.encode(id, { id: "probe-1", count: 3 });
    assert.equal(encoded[0], 0, "magic byte");
    assert.equal(encoded.readInt32BE(1), id, "schema id after the magic byte");
    assert.deepEqual({ ...(await registry.decode(encoded)) }, { id: "probe-1", count: 3 });
  });

  it("is reused, not started twice, when the local stack is asked for again", async (t) => {
    const stack = await testStack();
    if (stack.source !== "local") return t.skip(`the run uses the ${stack.source} stack`);
    const stackDir = loadConfig(process.env).stack.dir;
    const again = await ensureLocalStack({ stackDir, logger: harnessLogger() });
    assert.equal(again.startedNow, false);
    assert.deepEqual(again.brokers, stack.brokers);
    assert.equal(again.registryUrl, stack.registryUrl);
    const status = await localStackStatus({ stackDir });
    assert.equal(status.kafka.health, "running");
    assert.equal(status.registry.health, "running");
  });
});
