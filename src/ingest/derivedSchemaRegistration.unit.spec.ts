import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { headerText } from "../codec/cloudEventHeaders.ts";
import { decodeEvent } from "../codec/eventCodec.ts";
import { fixedSchemaResolver } from "../codec/schemaResolver.ts";
import { derivedTopics } from "../events/derived/derivedEnvelope.ts";
import { derivedFamilies } from "../events/derived/derivedFamilies.ts";
import { readDerivedFixtures } from "../testing/derivedFixtures.ts";
import { parseTopicCatalogue } from "../topics/catalogue.ts";
import { encodeDerivedEvent, registerDerivedSchemas } from "./derivedSchemaRegistration.ts";
import { readAvroSchema } from "./schemaRegistration.ts";

const catalogue = parseTopicCatalogue({
  ...(JSON.parse(readFileSync(new URL("../../topics/topics.json", import.meta.url), "utf8")) as object),
  prefix: "run42.",
});

const schemaIds = { [derivedTopics.diagnoses]: 11, [derivedTopics.playbooks]: 12, [derivedTopics.instincts]: 13, [derivedTopics.evaluations]: 14 };
const resolver = fixedSchemaResolver(
  Object.fromEntries(Object.entries(schemaIds).map(([topic, id]) => [id, readAvroSchema(derivedFamilies[topic as keyof typeof derivedFamilies].avroFile)])),
);

describe("registering the derived topics' schemas", () => {
  it("registers every derived topic of the catalogue under its cluster name's value subject", async () => {
    const registrations = await registerDerivedSchemas(resolver, catalogue);
    assert.deepEqual(
      [...registrations].map(([logical, r]) => [logical, r.topic, r.subject, r.schemaId]),
      Object.entries(schemaIds).map(([logical, id]) => [logical, `run42.${logical}`, `run42.${logical}-value`, id]),
    );
  });

  it("skips raw and dead-letter topics, and derived topics without a family", async () => {
    const narrow = parseTopicCatalogue({
      topics: [
        { name: "witness.operations", role: "raw", family: "operation", partitions: 1 },
        { name: "witness.playbooks", role: "derived", partitions: 1 },
        { name: "witness.experiments", role: "derived", partitions: 1 },
        { name: "witness.dlq", role: "dead-letter", partitions: 1 },
      ],
    });
    assert.deepEqual([...(await registerDerivedSchemas(resolver, narrow)).keys()], [derivedTopics.playbooks]);
  });
});

describe("encoding a derived event", () => {
  it("keys it by id, mirrors the envelope in headers, and decodes back to the same event", async () => {
    const registrations = await registerDerivedSchemas(resolver, catalogue);
    for (const topic of Object.values(derivedTopics)) {
      const registration = registrations.get(topic)!;
      for (const [name, event] of readDerivedFixtures(topic)) {
        const message = encodeDerivedEvent(registration, event);
        assert.equal(message.key, event.id, name);
        const headers = message.headers as Record<string, string>;
        assert.equal(headerText(headers, "ce_id"), event.id, name);
        assert.equal(headerText(headers, "ce_type"), derivedFamilies[topic].eventType, name);
        assert.equal(headerText(headers, "ce_subject"), event.key, name);
        const decoded = await decodeEvent(resolver, message.value as Buffer, derivedFamilies[topic].eventSchema);
        assert.deepEqual(decoded, event, name);
      }
    }
  });

  it("refuses an event that does not fit the topic's Avro schema, naming the field", async () => {
    const registrations = await registerDerivedSchemas(resolver, catalogue);
    const diagnosis = readDerivedFixtures(derivedTopics.diagnoses).values().next().value!;
    assert.throws(() => encodeDerivedEvent(registrations.get(derivedTopics.diagnoses)!, { ...diagnosis, revision: "two" } as never), /revision/);
  });
});
