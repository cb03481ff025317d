import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { operationEvent } from "../testing/rawEvents.ts";
import { openDuckdbStore, type ProjectionStore } from "./duckdbStore.ts";
import { operationColumns } from "./rawTables.ts";

const at = (iso: string) => Date.parse(iso);
const op = (i: number, timeIso: string, success: boolean, durationMs: number, operation = "POST /v1/search") => ({
  event: operationEvent({ id: `w-${i}`, timeMs: at(timeIso) }, { operation, success, duration_ms: durationMs, error: success ? null : { message: "timeout" } }),
  position: { topic: "witness.operations", partition: 0, offset: String(i) },
});

describe("the DuckDB projection store", () => {
  let store: ProjectionStore;
  before(async () => {
    store = await openDuckdbStore(":memory:");
  });
  after(async () => {
    await store.close();
  });

  it("commits rows and the next offset together", async () => {
    await store.withTransaction("raw", async (tx) => {
      await tx.append("operations", operationColumns, [op(0, "2026-11-20T10:00:10Z", true, 10), op(1, "2026-11-20T10:00:50Z", false, 30)]);
      await tx.saveCheckpoint({ topic: "witness.operations", partition: 0, nextOffset: 2n, maxEventTime: "2026-11-20T10:00:50Z" });
    });
    assert.deepEqual([...(await store.readCheckpoints("raw"))], [["witness.operations:0", 2n]]);
    assert.equal((await store.query("SELECT count(*) AS n FROM operations")).rows[0]!.n, 2);
  });

  it("keeps neither rows nor offsets of a transaction that failed", async () => {
    await assert.rejects(
      store.withTransaction("raw", async (tx) => {
        await tx.append("operations", operationColumns, [op(2, "2026-11-20T10:01:00Z", true, 5)]);
        await tx.saveCheckpoint({ topic: "witness.operations", partition: 0, nextOffset: 3n, maxEventTime: null });
        throw new Error("crash between append and commit");
      }),
      /crash between/,
    );
    assert.equal((await store.readCheckpoints("raw")).get("witness.operations:0"), 2n);
    assert.equal((await store.query("SELECT count(*) AS n FROM operations")).rows[0]!.n, 2);
  });

  it("computes count, failures, success rate and p50/p95 per endpoint per 1-minute, 5-minute and 1-hour window", async () => {
    await store.withTransaction("raw", async (tx) => {
      await tx.append("operations", operationColumns, [
        op(3, "2026-11-20T10:01:05Z", true, 10),
        op(4, "2026-11-20T10:01:20Z", true, 20),
        op(5, "2026-11-20T10:01:40Z", true, 30),
        op(6, "2026-11-20T10:01:59Z", false, 40),
        op(7, "2026-11-20T10:07:00Z", true, 100, "GET /v1/orders"),
      ]);
    });
    const minute = await store.query("SELECT * FROM operation_windows_1m WHERE endpoint = 'POST /v1/search' ORDER BY window_start");
    assert.deepEqual(
      minute.rows.map((r) => [String(r.window_start), r.events, r.failures, r.success_rate, r.p50_duration_ms, r.p95_duration_ms]),
      [
        ["2026-11-20 10:00:00+00", 2, 1, 0.5, 20, 29],
        ["2026-11-20 10:01:00+00", 4, 1, 0.75, 25, 38.5],
      ],
    );
    const five = await store.query("SELECT endpoint, events, failures, window_end FROM operation_windows_5m ORDER BY window_start, endpoint");
    assert.deepEqual(five.rows.map((r) => [r.endpoint, r.events, r.failures, String(r.window_end)]), [
      ["POST /v1/search", 6, 2, "2026-11-20 10:05:00+00"],
      ["GET /v1/orders", 1, 0, "2026-11-20 10:10:00+00"],
    ]);
    const hour = await store.query("SELECT sum(events) AS events FROM operation_windows_1h");
    assert.equal(hour.rows[0]!.events, 7);
  });
});
