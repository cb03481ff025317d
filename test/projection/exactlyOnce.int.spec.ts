import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createObserver } from "../../src/ingest/observe.ts";
import { startWitness, type Witness } from "../../src/main.ts";
import { isolatedWitness, quietLogger, repoRoot, waitFor, type IsolatedWitness } from "../support/isolatedWitness.ts";
import { sampleNote, sampleSession } from "../support/sampleEvents.ts";

const run = promisify(execFile);
const cli = join(repoRoot, "src/cli/witness.ts");

const countRows = async (witness: Witness, table: string): Promise<number> =>
  Number((await witness.store.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

describe("projecting into DuckDB exactly once", () => {
  let iso: IsolatedWitness;
  let witness: Witness;
  const logger = quietLogger();

  before(async () => {
    iso = isolatedWitness("ten-k");
    witness = await startWitness(iso.config, logger);
  });
  after(async () => {
    await witness?.close();
  });

  it("turns 10,000 events produced through observe() and `witness produce` into exactly 10,000 rows", async () => {
    const observer = createObserver({ publish: (events) => witness.producer.publish(events), logger, source: "checkout-service", project: "shop" });
    for (let i = 0; i < 6_000; i++) {
      await observer.observe(`POST /checkout/${i % 4}`, async () => (i % 9 === 0 ? { error: `card declined for order ${i}` } : { ok: true }), { input: { order: i } });
    }
    assert.equal(await observer.flush(60_000), true, "observe() buffer drained");
    assert.deepEqual(observer.stats().dropped, 0);

    const file = join(iso.dir, "events.jsonl");
    const lines = [
      ...Array.from({ length: 2_500 }, (_, i) => JSON.stringify(sampleSession(i))),
      ...Array.from({ length: 1_500 }, (_, i) => JSON.stringify(sampleNote(i))),
    ];
    writeFileSync(file, `${lines.join("\n")}\n`);
    const { stdout } = await run(process.execPath, [cli, "produce", "--file", file], { env: { ...process.env, ...iso.env }, cwd: repoRoot });
    assert.match(stdout, /produced 4000 event\(s\); 0 invalid/);

    await waitFor("10,000 projected rows", async () => {
      const total = (await countRows(witness, "operations")) + (await countRows(witness, "sessions")) + (await countRows(witness, "notes"));
      return total >= 10_000 ? total : undefined;
    });
    // Give a duplicate the chance to show up before counting for real.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await countRows(witness, "operations"), 6_000);
    assert.equal(await countRows(witness, "sessions"), 2_500);
    assert.equal(await countRows(witness, "notes"), 1_500);
    const distinct = await witness.store.query("SELECT count(DISTINCT event_id) AS n FROM (SELECT event_id FROM operations UNION ALL SELECT event_id FROM sessions UNION ALL SELECT event_id FROM notes)");
    assert.equal(Number(distinct.rows[0]!.n), 10_000);
    const failures = await witness.store.query("SELECT count(*) AS n FROM operations WHERE NOT success AND error_message LIKE 'card declined%'");
    assert.equal(Number(failures.rows[0]!.n), Math.ceil(6_000 / 9), "an {error} payload counts as a failure");
  });

  it("reports invalid lines of `witness produce` by line number and produces the valid ones", async () => {
    const file = join(iso.dir, "mixed.jsonl");
    writeFileSync(file, [JSON.stringify(sampleNote(90_001, "mixed")), "{not json", JSON.stringify({ ...sampleNote(90_002, "mixed"), time: "yesterday" })].join("\n"));
    const result = await run(process.execPath, [cli, "produce", "--file", file], { env: { ...process.env, ...iso.env }, cwd: repoRoot }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    assert.equal((result as { code?: number }).code, 1);
    assert.match(result.stderr, /mixed\.jsonl:2: /);
    assert.match(result.stderr, /mixed\.jsonl:3: .*time/);
    assert.match(result.stdout, /produced 1 event\(s\); 2 invalid line\(s\) skipped/);
  });
});
