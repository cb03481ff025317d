import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openDuckdbStore } from "../projection/duckdbStore.ts";
import { operationColumns } from "../projection/rawTables.ts";
import { operationEvent } from "../testing/rawEvents.ts";
import { manifestPath } from "./replayManifest.ts";
import { previousPath, replaceLiveFile } from "./swapFiles.ts";
import { openSwappableStore } from "./swappableStore.ts";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "witness-swap-"));
  dirs.push(dir);
  return dir;
};

/** A closed DuckDB file holding `rows` operations and the offset after them. */
const projectionFile = async (path: string, rows: number): Promise<void> => {
  const store = await openDuckdbStore(path);
  await store.withTransaction("raw", async (tx) => {
    await tx.append(
      "operations",
      operationColumns,
      Array.from({ length: rows }, (_, i) => ({ event: operationEvent({ id: `${path}-${i}`, timeMs: Date.parse("2026-11-20T10:00:00Z") + i }, { operation: "GET /items", success: true, duration_ms: 5 }), position: { topic: "ops", partition: 0, offset: String(i) } })),
    );
    await tx.saveCheckpoint({ topic: "ops", partition: 0, nextOffset: BigInt(rows), maxEventTime: null });
  });
  await store.close();
};

const count = async (store: { query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }) => Number((await store.query("SELECT count(*) AS n FROM operations")).rows[0]!.n);

describe("swapping a rebuilt projection file in", () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("renames the rebuilt file over the live one, keeps the old as .previous, and moves the manifests along", async () => {
    const dir = scratch();
    const live = join(dir, "witness.duckdb");
    const rebuilt = join(dir, "rebuilt.duckdb");
    await projectionFile(live, 3);
    await projectionFile(rebuilt, 5);
    writeFileSync(manifestPath(rebuilt), "rebuilt manifest");
    replaceLiveFile(rebuilt, live);
    assert.equal(existsSync(rebuilt), false);
    assert.equal(readFileSync(manifestPath(live), "utf8"), "rebuilt manifest");
    const now = await openDuckdbStore(live, { isReadOnly: true });
    const before = await openDuckdbStore(previousPath(live), { isReadOnly: true });
    assert.deepEqual([await count(now), await count(before)], [5, 3]);
    await now.close();
    await before.close();
  });

  it("puts the old file back when asked to undo", async () => {
    const dir = scratch();
    const live = join(dir, "witness.duckdb");
    const rebuilt = join(dir, "rebuilt.duckdb");
    await projectionFile(live, 2);
    await projectionFile(rebuilt, 7);
    replaceLiveFile(rebuilt, live).undo();
    const back = await openDuckdbStore(live, { isReadOnly: true });
    const again = await openDuckdbStore(rebuilt, { isReadOnly: true });
    assert.deepEqual([await count(back), await count(again)], [2, 7]);
    await back.close();
    await again.close();
  });

  it("refuses a file that is still open, and the live file itself", async () => {
    const dir = scratch();
    const live = join(dir, "witness.duckdb");
    const rebuilt = join(dir, "rebuilt.duckdb");
    await projectionFile(live, 1);
    const open = await openDuckdbStore(rebuilt);
    await open.query("SELECT 1");
    await open.withTransaction("raw", (tx) => tx.saveCheckpoint({ topic: "ops", partition: 0, nextOffset: 1n, maxEventTime: null }));
    assert.throws(() => replaceLiveFile(rebuilt, live), /write-ahead log/);
    await open.close();
    assert.throws(() => replaceLiveFile(live, live), /the live file itself/);
  });

  it("lets a store in use swap its file: calls wait, then see the new file, and the projector's transactions land in it", async () => {
    const dir = scratch();
    const live = join(dir, "witness.duckdb");
    const rebuilt = join(dir, "rebuilt.duckdb");
    await projectionFile(live, 4);
    await projectionFile(rebuilt, 9);
    const store = await openSwappableStore(live);
    assert.equal(await count(store), 4);
    const queries = Array.from({ length: 20 }, () => count(store));
    const swapped = store.swap(async () => {
      const { undo } = replaceLiveFile(rebuilt, live);
      return { undo: async () => undo() };
    });
    const during = Array.from({ length: 20 }, () => count(store));
    await swapped;
    assert.ok((await Promise.all(queries)).every((n) => n === 4 || n === 9));
    assert.deepEqual(new Set(await Promise.all(during)), new Set([9]), "calls made during the swap wait for the new file");
    assert.equal(await store.withQueryConnection(async (c) => Number((await c.runAndReadAll("SELECT count(*) FROM operations")).getRows()[0]![0])), 9);
    assert.equal((await store.readCheckpoints("raw")).get("ops:0"), 9n);
    await store.close();
  });

  it("reopens the old file when the new one cannot be opened", async () => {
    const dir = scratch();
    const live = join(dir, "witness.duckdb");
    const broken = join(dir, "broken.duckdb");
    await projectionFile(live, 2);
    writeFileSync(broken, "not a DuckDB file");
    const store = await openSwappableStore(live);
    await assert.rejects(
      store.swap(async () => {
        const { undo } = replaceLiveFile(broken, live);
        return { undo: async () => undo() };
      }),
    );
    assert.equal(await count(store), 2);
    assert.equal(readFileSync(broken, "utf8"), "not a DuckDB file", "the rejected file is back where it was");
    await store.close();
  });
});
