import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { connectWitness, type Connected } from "../../src/main.ts";
import { querySql } from "../../src/query/queryClient.ts";
import { readRuntimeFile } from "../../src/query/runtimeFile.ts";
import { capturePartitionRanges, rangeSize } from "../../src/replay/partitionRanges.ts";
import { previousPath } from "../../src/replay/swapFiles.ts";
import { isolatedWitness, quietLogger, repoRoot, waitFor } from "../support/isolatedWitness.ts";
import { poisonMessages } from "../support/replaySupport.ts";
import { sampleOperation } from "../support/sampleEvents.ts";

const cli = join(repoRoot, "src/cli/witness.ts");

const count = async (duckdbPath: string, sql: string): Promise<number> => Number((await querySql(duckdbPath, sql)).rows[0]!.n);

/** Runs a child to its end; resolves with its exit code and output. */
const runToEnd = (child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });

describe("swapping a rebuilt projection into a running Witness", () => {
  const children: ChildProcess[] = [];
  let connected: Connected | undefined;
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await connected?.close();
  });

  it("loses and duplicates nothing while events keep arriving at a steady rate (counted)", async () => {
    const iso = isolatedWitness("swap");
    connected = await connectWitness(iso.config, quietLogger());
    const operations = connected.registrations.get("operation")!;
    const poisonProducer = connected.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await poisonProducer.connect();

    const live = spawn(process.execPath, [cli, "run"], { env: { ...process.env, ...iso.env }, cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
    children.push(live);
    live.stderr!.resume();
    await waitFor("the live Witness to answer", async () => (readRuntimeFile(iso.duckdbPath)?.pid === live.pid ? true : undefined));

    // A steady stream: 20 events every 50 ms (≈ 400/s), and a poison message every 10th round.
    let produced = 0;
    let poisoned = 0;
    let isProducing = true;
    const producing = (async () => {
      for (let round = 0; isProducing; round++) {
        await connected!.producer.publish(Array.from({ length: 20 }, (_, i) => sampleOperation(produced + i, "steady")));
        produced += 20;
        if (round % 10 === 0) {
          await poisonProducer.send({ topic: operations.topic, acks: -1, messages: poisonMessages(operations, 1, `steady-${round}`) });
          poisoned += 1;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    await waitFor("the live projection under way", async () => ((await count(iso.duckdbPath, "SELECT count(*) AS n FROM operations")) > 2_000 ? true : undefined), 120_000, 200);
    const producedAtReplayStart = produced;
    const replay = spawn(process.execPath, [cli, "replay", "--swap", "--out", join(iso.dir, "rebuilt.duckdb")], { env: { ...process.env, ...iso.env }, cwd: repoRoot });
    children.push(replay);
    const replayed = await runToEnd(replay);
    const producedAtSwap = produced;
    assert.equal(replayed.code, 0, `replay failed:\n${replayed.stdout}\n${replayed.stderr}`);
    assert.match(replayed.stdout, /Verified; manifest written/);
    assert.match(replayed.stdout, /Swapped into the running Witness/);
    assert.ok(producedAtSwap > producedAtReplayStart, "events kept arriving during the replay and the swap");

    // The live projector resumed from the rebuilt file's offsets, behind where it had paused: it re-read what came since.
    const resumed = [...replayed.stdout.matchAll(/^ {2}(\S+) (\d+|-) → (\d+)$/gm)].filter(([, partition]) => partition!.startsWith(operations.topic));
    assert.ok(resumed.length > 0, replayed.stdout);
    assert.ok(resumed.some(([, , paused, from]) => paused !== "-" && BigInt(from!) < BigInt(paused!)), "the rebuilt file stops where its replay began");

    await new Promise((r) => setTimeout(r, 2_000));
    isProducing = false;
    await producing;
    await poisonProducer.disconnect();

    await waitFor("every produced event projected after the swap", async () => {
      const n = await count(iso.duckdbPath, "SELECT count(*) AS n FROM operations WHERE event_id LIKE 'steady-%'");
      return n >= produced ? n : undefined;
    });
    await waitFor("every poison message recorded", async () => ((await count(iso.duckdbPath, "SELECT count(*) AS n FROM dead_letters")) >= poisoned ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_500));

    const { rows } = await querySql(
      iso.duckdbPath,
      "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(DISTINCT (kafka_partition, kafka_offset)) AS positions FROM operations WHERE event_id LIKE 'steady-%'",
    );
    assert.deepEqual(rows[0], { n: produced, ids: produced, positions: produced }, "every event once: none lost, none twice");
    assert.equal(await count(iso.duckdbPath, "SELECT count(*) AS n FROM dead_letters"), poisoned, "every poison message recorded once");
    assert.equal(await count(iso.duckdbPath, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) AS n FROM dead_letters"), poisoned);
    const dlq = await capturePartitionRanges(connected.kafka, [iso.topic("witness.dlq")]);
    assert.equal(rangeSize(dlq), BigInt(poisoned), "dead letters re-projected after the swap are not published to the dead-letter topic again");
    assert.ok(existsSync(previousPath(iso.duckdbPath)), "the old file is kept as .previous");
    assert.equal(readRuntimeFile(iso.duckdbPath)?.pid, live.pid, "the same Witness still owns the file");

    live.kill("SIGTERM");
    await new Promise((resolve) => live.once("exit", resolve));
  });
});
