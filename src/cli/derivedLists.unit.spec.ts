import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { WitnessConfig } from "../config/config.ts";
import { derivedTopics } from "../events/derived/derivedEnvelope.ts";
import type { DerivedEvent } from "../events/derived/derivedFamilies.ts";
import { createLogger } from "../observability/logger.ts";
import { projectDerivedEvents } from "../projection/derivedProjection.ts";
import { createDerivedTablesSql, derivedTables, type DerivedTable } from "../projection/derivedTables.ts";
import { openDuckdbStore } from "../projection/duckdbStore.ts";
import { readDerivedFixtures } from "../testing/derivedFixtures.ts";
import type { Command } from "./command.ts";
import {
  diagnosesCommand,
  diagnosesSpec,
  evaluationsCommand,
  evaluationsSpec,
  instinctsCommand,
  instinctsSpec,
  listSqlOf,
  playbooksCommand,
} from "./derivedLists.ts";

describe("parsing the arguments of the list commands", () => {
  it("turns flags into a quoted query and notes --json", () => {
    const { sql, isJson } = listSqlOf(diagnosesSpec, ["--avoid", "--endpoint", "GET /it's", "--limit", "3", "--json"]);
    assert.equal(isJson, true);
    assert.match(sql, /WHERE avoid AND list_contains\(.*'GET \/it''s'\)/);
    assert.match(sql, /LIMIT 3$/);
  });

  it("accepts --flag=value forms", () => {
    const { sql, isJson } = listSqlOf(instinctsSpec, ["--min-confidence=0.8", "--scope=project"]);
    assert.equal(isJson, false);
    assert.match(sql, /scope = 'project' AND confidence >= 0\.8/);
  });

  it("refuses an unknown flag with the command's usage", () => {
    assert.throws(() => listSqlOf(evaluationsSpec, ["--operation", "x"]), { code: "cli.args", message: /Usage: witness evaluations/ });
  });

  it("refuses a stray positional argument", () => {
    assert.throws(() => listSqlOf(evaluationsSpec, ["u05"]), { code: "cli.args", message: /Unexpected argument "u05"/ });
  });

  it("refuses a bad value naming the flag", () => {
    assert.throws(() => listSqlOf(instinctsSpec, ["--min-confidence", "high"]), { code: "cli.filter", message: /--min-confidence/ });
  });
});

describe("the list commands over a DuckDB file", () => {
  let dir: string;
  let config: WitnessConfig;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "witness-derived-lists-"));
    const path = join(dir, "witness.duckdb");
    const store = await openDuckdbStore(path);
    try {
      const connection = await store.connect();
      for (const sql of createDerivedTablesSql()) await connection.run(sql);
      for (const topic of Object.values(derivedTopics)) {
        const events = [...readDerivedFixtures(topic).values()].map((event, i) => ({ event, position: { topic, partition: 0, offset: String(i) } }));
        await store.withTransaction("derived", (tx) => projectDerivedEvents(derivedTables[topic] as DerivedTable<DerivedEvent>)(tx, events));
      }
    } finally {
      await store.close();
    }
    config = { duckdb: { path } } as WitnessConfig;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const runCommand = async (command: Command, args: string[]): Promise<{ code: number; output: string }> => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const code = await command.run(args, { config, logger: createLogger({ level: "silent" }), stdout, stderr: new PassThrough(), signal: new AbortController().signal });
    return { code, output: Buffer.concat(chunks).toString("utf8") };
  };

  it("prints the avoid-flagged diagnoses as a table with a row count", async () => {
    const { code, output } = await runCommand(diagnosesCommand, ["--avoid"]);
    assert.equal(code, 0);
    const lines = output.trimEnd().split("\n");
    assert.match(lines[0]!, /^last_seen\s+cause\s+failure_count\s+avoid\s+endpoints\s+signature/);
    assert.match(lines[2]!, /rate_limit\s+4\s+true\s+POST \/v1\/embeddings, POST \/v1\/llm\/complete/);
    assert.equal(lines.at(-1), "(1 row)");
  });

  it("prints playbooks as JSON with --json", async () => {
    const { code, output } = await runCommand(playbooksCommand, ["--operation", "job:nightly-report", "--json"]);
    assert.equal(code, 0);
    const rows = JSON.parse(output) as Record<string, unknown>[];
    assert.deepEqual(rows.map((r) => [r.operation, r.success_count, r.attempt_count]), [["job:nightly-report", 11, 11]]);
  });

  it("prints instincts and evaluations filtered by their flags", async () => {
    const instincts = JSON.parse((await runCommand(instinctsCommand, ["--scope", "global", "--json"])).output) as Record<string, unknown>[];
    assert.ok(instincts.length > 0 && instincts.every((r) => r.scope === "global"));
    const weekly = JSON.parse((await runCommand(evaluationsCommand, ["--kind", "weekly", "--json"])).output) as Record<string, unknown>[];
    assert.deepEqual(weekly.map((r) => r.kind), ["weekly"]);
  });
});
