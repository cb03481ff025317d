import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import avro from "avsc";
import { z } from "zod";
import { schemasDir } from "../families.ts";
import { deriveEventId } from "./derivedEnvelope.ts";
import { derivedFamilies } from "./derivedFamilies.ts";

const fixturesDir = resolve(import.meta.dirname, "../../../test/fixtures/derived");

type AvroField = { name: string; type: unknown };
type AvroRecord = { type: "record"; name: string; fields: AvroField[] };

const isRecord = (t: unknown): t is AvroRecord => typeof t === "object" && t !== null && (t as { type?: unknown }).type === "record";

/** The record a field holds directly, in a ["null", record] union, or as array items. */
const recordOf = (type: unknown): AvroRecord | undefined => {
  for (const candidate of Array.isArray(type) ? type : [type]) {
    if (isRecord(candidate)) return candidate;
    if (typeof candidate === "object" && candidate !== null && (candidate as { type?: unknown }).type === "array") {
      const items = (candidate as { items: unknown }).items;
      if (isRecord(items)) return items;
    }
  }
  return undefined;
};

/** The object schema inside a zod field, through nullable, default and array wrappers. */
const objectOf = (schema: z.ZodType): z.ZodObject | undefined => {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth++) {
    if (current instanceof z.ZodObject) return current;
    if (current instanceof z.ZodArray) {
      current = current.element as z.ZodType;
      continue;
    }
    const def = (current as unknown as { def: { innerType?: z.ZodType } }).def;
    if (!def.innerType) return undefined;
    current = def.innerType;
  }
  return undefined;
};

const compareFields = (path: string, fields: AvroField[], object: z.ZodObject): void => {
  assert.deepEqual(Object.keys(object.shape).sort(), fields.map((f) => f.name).sort(), `fields of ${path}`);
  for (const field of fields) {
    const nested = recordOf(field.type);
    if (!nested) continue;
    const nestedObject = objectOf(object.shape[field.name] as z.ZodType);
    assert.ok(nestedObject, `${path}.${field.name} is an object in zod too`);
    compareFields(`${path}.${field.name}`, nested.fields, nestedObject);
  }
};

const fixturesOf = (topic: string): Array<{ name: string; value: Record<string, unknown> }> =>
  readdirSync(join(fixturesDir, topic))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((name) => ({ name, value: JSON.parse(readFileSync(join(fixturesDir, topic, name), "utf8")) as Record<string, unknown> }));

for (const [topic, family] of Object.entries(derivedFamilies)) {
  const avroSchema = JSON.parse(readFileSync(join(schemasDir, family.avroFile), "utf8")) as AvroRecord;
  const type = avro.Type.forSchema(avroSchema as avro.Schema, { omitRecordMethods: true });

  describe(`the ${topic} contract (${family.avroFile} and its zod schema)`, () => {
    it("names the same fields, record by record", () => {
      compareFields(topic, avroSchema.fields, objectOf(family.eventSchema)!);
    });

    it("has at least two fixtures, each accepted by Avro and by zod, and round-tripped by Avro", () => {
      const fixtures = fixturesOf(topic);
      assert.ok(fixtures.length >= 2);
      for (const { name, value } of fixtures) {
        assert.ok(type.isValid(value), `Avro accepts ${name}`);
        const parsed = family.eventSchema.parse(value);
        assert.equal(parsed.type, family.eventType, name);
        assert.deepEqual(family.eventSchema.parse(type.fromBuffer(type.toBuffer(parsed))), parsed, `${name} round-trips`);
      }
    });

    it("leaves meaning to zod: a retraction that still carries data passes Avro but not zod", () => {
      const fixture = fixturesOf(topic).find(({ value }) => value.data !== null)!.value;
      const contradictory = { ...fixture, retracted: true };
      assert.ok(type.isValid(contradictory));
      assert.equal(family.eventSchema.safeParse(contradictory).success, false);
    });
  });
}

describe("derived contract rules", () => {
  const instinct = fixturesOf("witness.instincts")[0]!.value as { data: Record<string, unknown> };
  const evaluation = fixturesOf("witness.evaluations").find(({ value }) => (value.data as { kind?: string } | null)?.kind === "daily")!.value as {
    data: Record<string, unknown>;
  };

  it("bounds an instinct's trigger to 80 and action to 120 characters", () => {
    const schema = derivedFamilies["witness.instincts"].eventSchema;
    assert.equal(schema.safeParse({ ...instinct, data: { ...instinct.data, trigger: "x".repeat(81) } }).success, false);
    assert.equal(schema.safeParse({ ...instinct, data: { ...instinct.data, action: "x".repeat(121) } }).success, false);
  });

  it("sets exactly the evaluation sub-record its kind names", () => {
    const schema = derivedFamilies["witness.evaluations"].eventSchema;
    assert.equal(schema.safeParse({ ...evaluation, data: { ...evaluation.data, kind: "weekly" } }).success, false);
  });

  it("derives the same id for the same analyzer, version, key and window, and another for another window", () => {
    const id = deriveEventId("error-analysis", "1", "sig", "2025-03-24T00:00:00.000Z", "2025-03-25T00:00:00.000Z");
    assert.equal(id, deriveEventId("error-analysis", "1", "sig", "2025-03-24T00:00:00.000Z", "2025-03-25T00:00:00.000Z"));
    assert.notEqual(id, deriveEventId("error-analysis", "1", "sig", "2025-03-24T01:00:00.000Z", "2025-03-25T01:00:00.000Z"));
    assert.notEqual(id, deriveEventId("error-analysis", "2", "sig", "2025-03-24T00:00:00.000Z", "2025-03-25T00:00:00.000Z"));
    assert.match(id, /^[0-9a-f]{32}$/);
  });
});
