import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { frameWire } from "../../src/codec/wireFormat.ts";
import { deadLetterHeaders, readDeadLetter, type DeadLetter } from "../../src/codec/deadLetter.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { isolatedWitness, quietLogger, waitFor, type IsolatedWitness } from "../support/isolatedWitness.ts";
import { sampleOperation } from "../support/sampleEvents.ts";

type Poison = { value: Buffer; reason: string };

describe("dead-lettering bad input", () => {
  let iso: IsolatedWitness;
  let witness: Witness;

  before(async () => {
    iso = isolatedWitness("poison");
    witness = await startWitness(iso.config, quietLogger());
  });
  after(async () => {
    await witness?.close();
  });

  it("sends 50 poison messages to the dead-letter topic with reasons and original bytes, and projects every good event", async () => {
    const registration = witness.registrations.get("operation")!;
    const poisons: Poison[] = [
      ...Array.from({ length: 17 }, (_, i) => ({ value: Buffer.from(`{"json":"not avro","n":${i}}`), reason: "wire.magic" })),
      ...Array.from({ length: 17 }, (_, i) => ({ value: frameWire(2_000_000_000 + i, Buffer.from([2, 4, 6, i])), reason: "schema.unknown" })),
      ...Array.from({ length: 16 }, (_, i) => ({
        // Valid Avro for the registered schema, but meaningless: a negative duration.
        value: frameWire(registration.schemaId, registration.type.toBuffer({ ...sampleOperation(i, "neg"), data: { ...sampleOperation(i).data, duration_ms: -1 - i } })),
        reason: "event.invalid",
      })),
    ];
    const producer = witness.kafka.producer();
    await producer.connect();
    const good = Array.from({ length: 500 }, (_, i) => sampleOperation(i, "good"));
    for (let i = 0; i < 10; i++) {
      await witness.producer.publish(good.slice(i * 50, (i + 1) * 50));
      await producer.send({ topic: registration.topic, messages: poisons.slice(i * 5, (i + 1) * 5).map((p, j) => ({ key: `poison-${i}-${j}`, value: p.value, headers: { "x-origin": "test" } })) });
    }
    await producer.disconnect();

    await waitFor("every good event projected", async () => {
      const n = Number((await witness.store.query("SELECT count(*) AS n FROM operations")).rows[0]!.n);
      return n >= 500 ? n : undefined;
    });
    await waitFor("50 dead letters recorded", async () => {
      const n = Number((await witness.store.query("SELECT count(*) AS n FROM dead_letters")).rows[0]!.n);
      return n >= 50 ? n : undefined;
    });

    const letters: DeadLetter[] = [];
    const consumer = witness.kafka.consumer({ groupId: `${iso.prefix}-dlq-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: iso.topic("witness.dlq"), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void letters.push(readDeadLetter(message as never)!) });
    await waitFor("50 messages on witness.dlq", async () => (letters.length >= 50 ? true : undefined));
    await consumer.disconnect();

    assert.equal(Number((await witness.store.query("SELECT count(*) AS n FROM operations")).rows[0]!.n), 500);
    assert.equal(letters.length, 50);
    const reasons = letters.reduce<Record<string, number>>((acc, l) => ({ ...acc, [l.reason]: (acc[l.reason] ?? 0) + 1 }), {});
    assert.deepEqual(reasons, { "wire.magic": 17, "schema.unknown": 17, "event.invalid": 16 });
    for (const letter of letters) {
      assert.equal(letter.topic, registration.topic);
      assert.ok(letter.offset !== "" && letter.partition >= 0, "names the source partition and offset");
      assert.ok(letter.detail.length > 0, "says why");
      assert.ok(poisons.some((p) => p.value.equals(letter.value!)), "keeps the original value bytes");
      assert.match(letter.key!.toString(), /^poison-/, "keeps the original key");
    }
    assert.ok(letters.some((l) => /duration_ms/.test(l.detail)), "an invalid event names the bad field");
    assert.equal(deadLetterHeaders.reason, "witness.dlq.reason");
  });
});
