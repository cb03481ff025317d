import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PlaybookData } from "../../events/derived/playbook.ts";
import { operationEvent, operationsTopic } from "../../testing/rawEvents.ts";
import type { SourcedEvent } from "../analyzer.ts";
import { buildPlaybook, defaultPlaybookOptions } from "./buildPlaybook.ts";
import { deriveInputPattern } from "./inputPattern.ts";

const t0 = Date.parse("2025-03-24T00:00:00Z");

const op = (id: string, minutes: number, input: string, durationMs: number, failure: string | null = null): SourcedEvent => {
  const event = operationEvent(
    { id, timeMs: t0 + minutes * 60_000 },
    {
      operation: "POST /v1/search",
      success: failure === null,
      duration_ms: durationMs,
      input_summary: input,
      error: failure ? { type: null, message: failure, code: "400" } : null,
    },
  );
  return { id, revision: 0, timeMs: Date.parse(event.time), topic: operationsTopic, partition: 1, offset: minutes, event };
};

describe("deriveInputPattern", () => {
  it("keeps the shared words and masks what varies", () => {
    assert.equal(
      deriveInputPattern([
        "search orders for customer c-1042 in region eu",
        "search orders for customer c-2211 in region us",
        "search orders for customer c-9001 in region apac",
      ]),
      "search orders for customer <id> in region *",
    );
  });

  it("returns the masked summary when all inputs share it", () => {
    assert.equal(deriveInputPattern(["fetch page 3", "fetch page 17"]), "fetch page <n>");
  });

  it("does not depend on the order of the summaries", () => {
    const summaries = ["list open tickets for team alpha", "list open tickets for team beta", "list closed tickets for team beta"];
    assert.equal(deriveInputPattern(summaries), deriveInputPattern([...summaries].reverse()));
  });

  it("never lets a secret into the pattern", () => {
    assert.doesNotMatch(deriveInputPattern(["call with api_key=abcdef123456", "call with api_key=zzzzzz999999"]), /abcdef|zzzzzz/);
  });
});

describe("buildPlaybook", () => {
  const successes = [
    op("s1", 1, "search orders for customer c-1 in region eu", 100),
    op("s2", 2, "search orders for customer c-2 in region us", 200),
    op("s3", 3, "search orders for customer c-3 in region eu", 300),
  ];

  it("waits for N successes of the operation", () => {
    assert.equal(buildPlaybook("POST /v1/search", successes.slice(0, 2)), null);
    assert.notEqual(buildPlaybook("POST /v1/search", successes), null);
  });

  it("summarises pattern, counts, success rate, mean and p95 duration, and cites the successes", () => {
    const failures = ["f1", "f2", "f3"].map((id, i) => op(id, 10 + i, "search orders", 5, `field "region" is required (request req-${i}${id})`));
    const item = buildPlaybook("POST /v1/search", [...successes, ...failures])!;
    const data = item.data as PlaybookData;
    assert.equal(item.key, "POST /v1/search");
    assert.equal(data.input_pattern, "search orders for customer <id> in region eu");
    assert.equal(data.success_count, 3);
    assert.equal(data.attempt_count, 6);
    assert.equal(data.success_rate, 0.5);
    assert.equal(data.mean_duration_ms, 200);
    assert.equal(data.p95_duration_ms, 300);
    assert.deepEqual(item.evidence.map((c) => c.event_id), ["s1", "s2", "s3"]);
    assert.equal(data.avoid_notes.length, 1);
    assert.match(data.avoid_notes[0]!, /^Avoid \[400\]: field <str> is required \(request <id>\) \(validation, 3×\)/);
  });

  it("updates only when a success is newer than the freshness bound", () => {
    const options = { ...defaultPlaybookOptions, freshSinceMs: t0 + 5 * 60_000 };
    assert.equal(buildPlaybook("POST /v1/search", successes, options), null);
    assert.notEqual(buildPlaybook("POST /v1/search", [...successes, op("s4", 6, "search orders for customer c-4 in region eu", 100)], options), null);
  });
});
