import assert from "node:assert/strict";
import { describe, it } from "node:test";
import avro from "avsc";
import { z } from "zod";
import { avroTypeOptions } from "../../src/codec/schemaResolver.ts";
import { rawFamilies, rawFamilyNames, type RawFamilyName } from "../../src/events/families.ts";
import { readAvroSchema } from "../../src/ingest/schemaRegistration.ts";
import { sampleNote, sampleOperation, sampleSession } from "../support/sampleEvents.ts";

const fullGenAi = {
  operation: { name: "chat" },
  provider: { name: "openai" },
  request: { model: "gpt-4o-mini" },
  response: { model: "gpt-4o-mini-2024-07-18" },
  usage: { input_tokens: 812, output_tokens: 64 },
  tool: { name: "web_fetch", call: { id: "call_1" } },
};

/** Valid fixtures per family: a typical one, one with every optional field set, and a tick. */
const fixtures: Record<RawFamilyName, unknown[]> = {
  operation: [
    sampleOperation(1),
    sampleOperation(10),
    { ...sampleOperation(2), data: { ...sampleOperation(2).data, kind: "llm", session_id: "s-1", gen_ai: fullGenAi } },
    { id: "tick-1", type: "witness.clock.tick", source: "witness.clock", subject: "witness.operations/0", time: "2026-11-20T10:00:00Z", specversion: "1.0", data: null },
  ],
  session: [
    sampleSession(1),
    sampleSession(3),
    {
      ...sampleSession(4),
      data: {
        ...sampleSession(4).data,
        kind: "audit",
        turn_kind: "critique",
        success: false,
        duration_ms: 12.5,
        error: { type: "Mismatch", message: "workspace differs", code: null },
        gen_ai: fullGenAi,
        trace: { node: "thinker", phase: "end", span_id: "a1", parent_span_id: "a0" },
        audit: { check: "workspace_mismatch", expected: "3 buttons", observed: "2 buttons", detail: "sensor tick" },
        attributes: { graph: "v1-current" },
      },
    },
  ],
  note: [sampleNote(1), { ...sampleNote(2), data: { user_id: "u-2", note: "prefers short answers", session_id: null, turn: null, project: null } }],
};

type AvroField = { name: string; type: unknown };

/** The record inside a field type, looking through ["null", record] unions. */
const recordOf = (type: unknown): { fields: AvroField[] } | undefined => {
  const candidates = Array.isArray(type) ? type : [type];
  return candidates.find((t): t is { type: "record"; fields: AvroField[] } => typeof t === "object" && t !== null && (t as { type?: string }).type === "record");
};

/** The object schema inside a zod field, looking through nullable/default/pipe wrappers. */
const objectOf = (schema: z.ZodType): z.ZodObject | undefined => {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth++) {
    if (current instanceof z.ZodObject) return current;
    const def = (current as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType; schema?: z.ZodType } }).def;
    const next = def.innerType ?? def.in ?? def.schema;
    if (!next) return undefined;
    current = next;
  }
  return undefined;
};

const compareFields = (path: string, avroFields: AvroField[], zodObject: z.ZodObject): void => {
  const avroNames = avroFields.map((f) => f.name).sort();
  const zodNames = Object.keys(zodObject.shape).sort();
  assert.deepEqual(zodNames, avroNames, `fields of ${path} agree`);
  for (const field of avroFields) {
    const nestedRecord = recordOf(field.type);
    if (!nestedRecord) continue;
    const nestedObject = objectOf(zodObject.shape[field.name] as z.ZodType);
    assert.ok(nestedObject, `${path}.${field.name} is an object in zod too`);
    compareFields(`${path}.${field.name}`, nestedRecord.fields, nestedObject);
  }
};

for (const family of rawFamilyNames) {
  const { avroFile, eventSchema, topicEventSchema } = rawFamilies[family];
  const avroSchema = readAvroSchema(avroFile) as { fields: AvroField[] };
  const type = avro.Type.forSchema(avroSchema as avro.Schema, avroTypeOptions());

  describe(`the ${family} contract (${avroFile} and its zod schema)`, () => {
    it("names the same fields, record by record", () => {
      compareFields(family, avroSchema.fields, objectOf(eventSchema)!);
    });

    it("accepts every fixture in both, and Avro round-trips what zod accepted", () => {
      for (const fixture of fixtures[family]) {
        const parsed = topicEventSchema.parse(fixture);
        assert.ok(type.isValid(parsed), `Avro accepts ${(fixture as { id: string }).id}`);
        const decoded = topicEventSchema.parse(type.fromBuffer(type.toBuffer(parsed)));
        assert.deepEqual(decoded, parsed);
      }
    });

    it("rejects a fixture missing a required envelope field in both", () => {
      for (const field of ["id", "type", "source", "subject", "time"]) {
        const broken = { ...(fixtures[family][0] as Record<string, unknown>) };
        delete broken[field];
        assert.equal(topicEventSchema.safeParse(broken).success, false, `zod rejects a missing ${field}`);
        assert.equal(type.isValid(broken), false, `Avro rejects a missing ${field}`);
      }
    });

    it("leaves meaning to zod: Avro takes any string or number, zod checks ranges and formats", () => {
      const event = fixtures[family][0] as { time: string };
      const badTime = { ...event, time: "yesterday" };
      assert.ok(type.isValid(topicEventSchema.parse(event)) && type.isValid({ ...topicEventSchema.parse(event), time: "yesterday" }));
      assert.equal(topicEventSchema.safeParse(badTime).success, false);
    });
  });
}
