import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { connectWitness, type Connected } from "../../src/main.ts";
import { openDuckdbStore } from "../../src/projection/duckdbStore.ts";
import { querySql } from "../../src/query/queryClient.ts";
import { readRuntimeFile } from "../../src/query/runtimeFile.ts";
import { isolatedWitness, quietLogger, repoRoot, waitFor } from "../support/isolatedWitness.ts";
import { sampleOperation } from "../support/sampleEvents.ts";

const cli = join(repoRoot, "src/cli/witness.ts");

const startProjectorProcess = (env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, [cli, "run"], { env: { ...process.env, ...env }, cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });

const projectedCount = async (duckdbPath: string): Promise<number> => Number((await querySql(duckdbPath, "SELECT count(*) AS n FROM operations")).rows[0]!.n);

describe("a projector killed mid-stream", () => {
  const children: ChildProcess[] = [];
  let connected: Connected | undefined;
  after(async () => {
    for (const child of children) child.kill("SIGKILL");
    await connected?.close();
  });

  it("resumes after SIGKILL with exactly the produced events: no duplicates, no gaps", async () => {
    const iso = isolatedWitness("sigkill");
    const duckdbPath = iso.duckdbPath;
    connected = await connectWitness(iso.config, quietLogger());
    const total = 20_000;
    const batch = 500;
    let produced = 0;
    const produce = async (upTo: number) => {
      for (; produced < upTo; produced += batch) {
        await connected!.producer.publish(Array.from({ length: batch }, (_, i) => sampleOperation(produced + i, "crash")));
      }
    };

    await produce(6_000);
    const first = startProjectorProcess(iso.env);
    children.push(first);
    await waitFor("the first projector to answer", async () => (readRuntimeFile(duckdbPath) ? true : undefined));
    const producing = produce(total);
    const seenBeforeKill = await waitFor("some rows before the kill", async () => {
      const n = await projectedCount(duckdbPath);
      return n > 2_000 ? n : undefined;
    }, 120_000, 20);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    await producing;
    assert.ok(seenBeforeKill < total, "killed mid-stream");

    const second = startProjectorProcess(iso.env);
    children.push(second);
    // Only the running owner may be asked; opening the file here would race its start-up for the lock.
    await waitFor("the second projector to answer", async () => (readRuntimeFile(duckdbPath)?.pid === second.pid ? true : undefined));
    await waitFor("all events projected after the restart", async () => {
      const n = await projectedCount(duckdbPath);
      return n >= total ? n : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    second.kill("SIGTERM");
    await new Promise((resolve) => second.once("exit", resolve));

    const store = await openDuckdbStore(duckdbPath, { isReadOnly: true });
    try {
      const { rows } = await store.query(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(DISTINCT (kafka_partition, kafka_offset)) AS positions FROM operations`,
      );
      assert.deepEqual(rows[0], { n: total, ids: total, positions: total });
      const gaps = await store.query(`
        SELECT kafka_partition, max(kafka_offset) + 1 - min(kafka_offset) AS span, count(*) AS n
        FROM operations GROUP BY kafka_partition HAVING span <> n`);
      assert.deepEqual(gaps.rows, [], "offsets are contiguous per partition");
    } finally {
      await store.close();
    }
  });
});
