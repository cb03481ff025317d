import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addCounts, formatCounts, parseTapSummary } from "./testSummary.ts";

const tap = `TAP version 13
# Subtest: something
ok 1 - something
1..3
# tests 9
# suites 2
# pass 6
# fail 1
# cancelled 1
# skipped 0
# todo 1
# duration_ms 1234.5
`;

describe("test summary", () => {
  it("reads node's TAP totals, counting cancelled as failed and todo as skipped", () => {
    assert.deepEqual(parseTapSummary(tap), { passed: 6, failed: 2, skipped: 1 });
  });

  it("reads nothing from an empty report", () => {
    assert.deepEqual(parseTapSummary(""), { passed: 0, failed: 0, skipped: 0 });
  });

  it("adds phases and ends with a plain `N passed, N failed` line, skipped only when there are any", () => {
    const total = addCounts({ passed: 3, failed: 0, skipped: 0 }, { passed: 2, failed: 1, skipped: 0 });
    assert.equal(formatCounts(total), "5 passed, 1 failed");
    assert.equal(formatCounts({ ...total, skipped: 2 }), "5 passed, 1 failed, 2 skipped");
  });
});
