import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retryRetriable } from "./retryRetriable.ts";

const failing = (error: object, times: number) => {
  let calls = 0;
  return {
    work: async () => {
      calls += 1;
      if (calls <= times) throw Object.assign(new Error("broker not ready"), error);
      return calls;
    },
    calls: () => calls,
  };
};

describe("retrying retriable errors", () => {
  it("retries an error marked retriable until the work succeeds", async () => {
    const flaky = failing({ retriable: true }, 2);
    assert.equal(await retryRetriable(flaky.work, { timeoutMs: 5_000 }), 3);
  });

  it("gives up at once on an error that is not retriable, whatever its message says", async () => {
    const broken = failing({ retriable: false }, 5);
    await assert.rejects(retryRetriable(broken.work, { timeoutMs: 5_000 }), /broker not ready/);
    assert.equal(broken.calls(), 1);
  });

  it("stops retrying when the time is up and throws the last error", async () => {
    const down = failing({ retriable: true }, 1_000);
    await assert.rejects(retryRetriable(down.work, { timeoutMs: 300 }), /broker not ready/);
    assert.ok(down.calls() >= 2);
  });
});
