import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateRawEvent } from "../ingest/eventProducer.ts";
import { operationsTopicEventSchema } from "./operationObserved.ts";

const operation = {
  id: "evt-1",
  type: "witness.operation.observed",
  source: "shop-api",
  subject: "POST /v1/checkout",
  time: "2026-11-20T09:00:00.000+01:00",
  data: { operation: "POST /v1/checkout", success: true, duration_ms: 12.5 },
};

describe("the event envelope", () => {
  it("fills CloudEvents specversion and the payload's optional fields with their defaults", () => {
    const parsed = operationsTopicEventSchema.parse(operation);
    assert.equal(parsed.specversion, "1.0");
    assert.equal(parsed.type === "witness.operation.observed" && parsed.data.kind, "endpoint");
    assert.equal(parsed.type === "witness.operation.observed" && parsed.data.error, null);
  });

  it("accepts RFC 3339 times with an offset and rejects anything else", () => {
    assert.equal(operationsTopicEventSchema.safeParse({ ...operation, time: "2026-11-20T09:00:00Z" }).success, true);
    for (const time of ["2026-11-20 09:00", "yesterday", "1795454274916"]) {
      assert.equal(operationsTopicEventSchema.safeParse({ ...operation, time }).success, false, time);
    }
  });

  it("rejects an empty id, source or subject", () => {
    for (const field of ["id", "source", "subject"]) {
      assert.equal(operationsTopicEventSchema.safeParse({ ...operation, [field]: "" }).success, false, field);
    }
  });

  it("rejects unknown fields rather than dropping them silently", () => {
    assert.equal(operationsTopicEventSchema.safeParse({ ...operation, extra: 1 }).success, false);
  });

  it("carries no payload on a clock tick and insists on one for an observation", () => {
    const tick = { ...operation, type: "witness.clock.tick", data: null };
    assert.equal(operationsTopicEventSchema.safeParse(tick).success, true);
    assert.equal(operationsTopicEventSchema.safeParse({ ...operation, data: null }).success, false);
  });

  it("names the event type to use when the type is unknown", () => {
    assert.throws(() => validateRawEvent({ ...operation, type: "op" }), /Unknown event type "op": use one of witness.operation.observed/);
  });

  it("names the field that is out of range", () => {
    assert.throws(() => validateRawEvent({ ...operation, data: { ...operation.data, duration_ms: -3 } }), /data.duration_ms/);
  });
});
