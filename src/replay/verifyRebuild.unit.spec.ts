import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openDuckdbStore, type ProjectionStore } from "../projection/duckdbStore.ts";
import { operationColumns } from "../projection/rawTables.ts";
import { operationEvent } from "../testing/rawEvents.ts";
import type { PartitionTallyJson } from "./replayManifest.ts";
import { tableChecksums } from "./tableChecksums.ts";
import { verifyRebuild } from "./verifyRebuild.ts";

const op = (offset: number) => ({
  event: operationEvent({ id: `v-${offset}`, timeMs: Date.parse("2026-11-20T10:00:00Z") + offset * 1000 }, { operation: "GET /x", success: true, duration_ms: 3 }),
  position: { topic: "ops", partition: 0, offset: String(offset) },
});

/** Offsets 0–9 of `ops`: 7 operations, 2 poison (offsets 3, 6) and a tick (offset 9). */
const withProjection = async (work: (store: ProjectionStore) => Promise<void>): Promise<void> => {
  const store = await openDuckdbStore(":memory:");
  try {
    await store.withTransaction("raw", async (tx) => {
      await tx.append("operations", operationColumns, [0, 1, 2, 4, 5, 7, 8].map(op));
      await tx.recordDeadLetters([3, 6].map((o) => ({ topic: "ops", partition: 0, offset: String(o), reason: "wire.magic", detail: "not avro" })));
      await tx.saveCheckpoint({ topic: "ops", partition: 0, nextOffset: 10n, maxEventTime: "2026-11-20T10:00:09Z" });
    });
    await work(store);
  } finally {
    await store.close();
  }
};

const tally = (over: Partial<PartitionTallyJson> = {}): PartitionTallyJson => ({
  topic: "ops",
  role: "raw",
  partition: 0,
  start: "0",
  end: "10",
  records: 10,
  ticks: 1,
  excluded: 0,
  expectedNextOffset: "10",
  ...over,
});

const run = (store: ProjectionStore) => (sql: string, values?: (string | number)[]) => store.query(sql, values);

describe("verifying a rebuilt projection", () => {
  it("passes when offsets match the end offsets and records reconcile with rows, dead letters and ticks", async () => {
    await withProjection(async (store) => {
      const verification = await verifyRebuild(run(store), "raw", [tally()]);
      assert.equal(verification.isOk, true);
      assert.deepEqual(
        { ...verification.topics[0], offsets: String(verification.topics[0]!.offsets), gaps: String(verification.topics[0]!.gaps) },
        { topic: "ops", role: "raw", offsets: "10", records: 10, ticks: 1, excluded: 0, rows: 7, deadLetters: 2, notKept: 0, gaps: "0", isOk: true },
      );
    });
  });

  it("fails on a stored offset short of the end offset, and on a raw record that left nothing behind", async () => {
    await withProjection(async (store) => {
      const verification = await verifyRebuild(run(store), "raw", [tally({ end: "12", records: 11, expectedNextOffset: "12" })]);
      assert.equal(verification.isOk, false);
      assert.deepEqual(verification.offsets.map((o) => [o.stored, o.expected, o.isOk]), [[10n, 12n, false]]);
      assert.equal(verification.topics[0]!.notKept, 1);
      assert.equal(verification.topics[0]!.isOk, false);
    });
  });

  it("lets a derived topic keep fewer records than it read (repeated revisions, retention), never more", async () => {
    await withProjection(async (store) => {
      assert.equal((await verifyRebuild(run(store), "raw", [tally({ role: "derived", end: "12", records: 11, expectedNextOffset: "10" })])).isOk, true);
      assert.equal((await verifyRebuild(run(store), "raw", [tally({ role: "derived", records: 8 })])).isOk, false);
    });
  });

  it("gives every table a checksum that ignores row order but changes with a duplicate row", async () => {
    await withProjection(async (store) => {
      const before = await tableChecksums(run(store));
      assert.deepEqual(before.map((c) => c.table).slice(0, 3), ["dead_letters", "diagnoses", "diagnoses_history"]);
      assert.ok(before.every((c) => /^[0-9a-f]{16}$/.test(c.checksum)));
      await store.withTransaction("raw", (tx) => tx.append("operations", operationColumns, [op(1)]));
      const after = await tableChecksums(run(store));
      const of = (list: typeof before) => list.find((c) => c.table === "operations")!;
      assert.equal(of(after).rows, 8);
      assert.notEqual(of(after).checksum, of(before).checksum);
    });
    const reordered = async (offsets: number[]) => {
      const store = await openDuckdbStore(":memory:");
      await store.withTransaction("raw", (tx) => tx.append("operations", operationColumns, offsets.map(op)));
      const checksum = (await tableChecksums(run(store), ["operations"]))[0]!;
      await store.close();
      return checksum;
    };
    assert.deepEqual(await reordered([0, 1, 2]), await reordered([2, 0, 1]));
  });
});
