import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDBConnection } from "@duckdb/node-api";
import { derivedTopics } from "../events/derived/derivedEnvelope.ts";
import type { DerivedEvent } from "../events/derived/derivedFamilies.ts";
import { projectDerivedEvents } from "../projection/derivedProjection.ts";
import { createDerivedTablesSql, derivedTables, type DerivedTable } from "../projection/derivedTables.ts";
import { openDuckdbStore, type ProjectionStore } from "../projection/duckdbStore.ts";
import { readDerivedFixtures } from "../testing/derivedFixtures.ts";
import {
  diagnosesFilterSchema,
  diagnosesSql,
  evaluationsFilterSchema,
  evaluationsSql,
  instinctsFilterSchema,
  instinctsSql,
  parseListFilter,
  playbooksFilterSchema,
  playbooksSql,
  sqlStringLiteral,
} from "./derivedQueries.ts";
import { runReadOnlyQuery } from "./sqlSandbox.ts";

describe("quoting filter values", () => {
  it("doubles single quotes inside a string literal", () => {
    assert.equal(sqlStringLiteral("it's"), "'it''s'");
    assert.equal(sqlStringLiteral("x' OR 1=1 --"), "'x'' OR 1=1 --'");
  });

  it("leaves backslashes as they are, since DuckDB strings have no escapes", () => {
    assert.equal(sqlStringLiteral("C:\\tmp\\'"), "'C:\\tmp\\'''");
  });

  it("refuses a NUL character", () => {
    assert.throws(() => sqlStringLiteral("a\u0000b"), { code: "query.filter" });
  });
});

describe("validating list filters", () => {
  it("defaults the limit to 50 and leaves absent filters out", () => {
    assert.deepEqual(parseListFilter(diagnosesFilterSchema, {}), { avoid: false, limit: 50 });
    assert.equal(diagnosesSql(parseListFilter(diagnosesFilterSchema, {})).includes("WHERE"), false);
  });

  it("accepts a whole limit up to the sandbox's row cap and nothing else", () => {
    assert.equal(parseListFilter(playbooksFilterSchema, { limit: "10000" }).limit, 10000);
    for (const bad of ["0", "-1", "2.5", "10001", "1e3", "5; DROP TABLE x", ""]) {
      assert.throws(() => parseListFilter(playbooksFilterSchema, { limit: bad }), { code: "cli.filter", message: /--limit/ }, bad);
    }
  });

  it("accepts a minimum confidence from 0 to 1 written as a plain number", () => {
    assert.equal(parseListFilter(instinctsFilterSchema, { "min-confidence": "0.7" })["min-confidence"], 0.7);
    assert.equal(parseListFilter(instinctsFilterSchema, { "min-confidence": "1" })["min-confidence"], 1);
    for (const bad of ["1.5", "-0.1", "0.7 OR 1=1", "NaN", "Infinity", ""]) {
      assert.throws(() => parseListFilter(instinctsFilterSchema, { "min-confidence": bad }), { message: /--min-confidence/ }, bad);
    }
  });

  it("accepts only RFC 3339 times with an offset for --since", () => {
    assert.equal(parseListFilter(evaluationsFilterSchema, { since: "2025-03-30T00:00:00Z" }).since, "2025-03-30T00:00:00Z");
    for (const bad of ["2025-03-30", "yesterday", "2025-03-30T00:00:00", "2025-03-30T00:00:00Z' OR '1'='1"]) {
      assert.throws(() => parseListFilter(evaluationsFilterSchema, { since: bad }), { message: /--since: expected an RFC 3339 time/ }, bad);
    }
  });

  it("accepts only the known domains, scopes and kinds", () => {
    assert.throws(() => parseListFilter(instinctsFilterSchema, { domain: "cooking" }), { message: /--domain/ });
    assert.throws(() => parseListFilter(instinctsFilterSchema, { scope: "team" }), { message: /--scope/ });
    assert.throws(() => parseListFilter(evaluationsFilterSchema, { kind: "monthly" }), { message: /--kind/ });
  });

  it("refuses a flag the command does not know", () => {
    assert.throws(() => parseListFilter(playbooksFilterSchema, { endpoint: "GET /" }), { code: "cli.filter" });
  });
});

describe("building list queries", () => {
  it("puts every filter of diagnoses in the WHERE clause, quoted", () => {
    const sql = diagnosesSql(parseListFilter(diagnosesFilterSchema, { avoid: true, endpoint: "GET /o'clock", since: "2025-03-30T00:00:00Z", limit: "5" }));
    assert.match(sql, /FROM diagnoses_latest/);
    assert.match(sql, /WHERE avoid AND list_contains\(CAST\(affected_endpoints AS VARCHAR\[\]\), 'GET \/o''clock'\) AND last_seen >= '2025-03-30T00:00:00Z'::TIMESTAMPTZ/);
    assert.match(sql, /LIMIT 5$/);
  });

  it("filters instincts by domain, scope and a minimum confidence", () => {
    const sql = instinctsSql(parseListFilter(instinctsFilterSchema, { domain: "git", scope: "global", "min-confidence": ".75" }));
    assert.match(sql, /WHERE domain = 'git' AND scope = 'global' AND confidence >= 0\.75\n/);
  });

  it("lists only standing evaluations, filtered by user and kind", () => {
    const sql = evaluationsSql(parseListFilter(evaluationsFilterSchema, { user: "u05", kind: "daily" }));
    assert.match(sql, /FROM evaluations\nWHERE NOT retracted AND user_id = 'u05' AND kind = 'daily'\n/);
  });
});

describe("running list queries over a projection of the contract fixtures", () => {
  let store: ProjectionStore;
  let connection: DuckDBConnection;
  before(async () => {
    store = await openDuckdbStore(":memory:");
    connection = await store.connect();
    for (const sql of createDerivedTablesSql()) await connection.run(sql);
    for (const topic of Object.values(derivedTopics)) {
      const events = [...readDerivedFixtures(topic).values()].map((event, i) => ({ event, position: { topic, partition: 0, offset: String(i) } }));
      await store.withTransaction("derived", (tx) => projectDerivedEvents(derivedTables[topic] as DerivedTable<DerivedEvent>)(tx, events));
    }
  });
  after(async () => {
    await store.close();
  });

  /** Through the same read-only sandbox `witness sql` uses. */
  const run = async (sql: string) => (await runReadOnlyQuery(connection, sql)).rows;

  it("lists the standing diagnoses, and only the avoid-flagged ones with --avoid", async () => {
    const all = await run(diagnosesSql(parseListFilter(diagnosesFilterSchema, {})));
    assert.deepEqual(all.map((r) => r.cause).sort(), ["rate_limit", "timeout"]);
    const avoid = await run(diagnosesSql(parseListFilter(diagnosesFilterSchema, { avoid: true })));
    assert.deepEqual(avoid.map((r) => [r.cause, r.endpoints]), [["rate_limit", "POST /v1/embeddings, POST /v1/llm/complete"]]);
  });

  it("finds diagnoses by one of their endpoints, and none for an injection attempt", async () => {
    const byEndpoint = await run(diagnosesSql(parseListFilter(diagnosesFilterSchema, { endpoint: "POST /v1/embeddings" })));
    assert.deepEqual(byEndpoint.map((r) => r.cause), ["rate_limit"]);
    assert.deepEqual(await run(diagnosesSql(parseListFilter(diagnosesFilterSchema, { endpoint: "x') OR true OR ('" }))), []);
  });

  it("filters diagnoses by the time of their last failure", async () => {
    const since = await run(diagnosesSql(parseListFilter(diagnosesFilterSchema, { since: "2025-03-30T11:45:00+00:00" })));
    assert.deepEqual(since.map((r) => r.cause), ["rate_limit"]);
  });

  it("lists playbooks by operation", async () => {
    const rows = await run(playbooksSql(parseListFilter(playbooksFilterSchema, { operation: "job:nightly-report" })));
    assert.deepEqual(rows.map((r) => [r.operation, r.success_count, r.success_rate]), [["job:nightly-report", 11, 1]]);
    assert.equal((await run(playbooksSql(parseListFilter(playbooksFilterSchema, { limit: "1" })))).length, 1);
  });

  it("lists instincts above a confidence, most confident first", async () => {
    const all = await run(instinctsSql(parseListFilter(instinctsFilterSchema, {})));
    const confidences = all.map((r) => Number(r.confidence));
    assert.deepEqual(confidences, [...confidences].sort((a, b) => b - a));
    const confident = await run(instinctsSql(parseListFilter(instinctsFilterSchema, { "min-confidence": "0.5" })));
    assert.ok(confident.every((r) => Number(r.confidence) >= 0.5));
    assert.ok(confident.length < all.length);
    const global = await run(instinctsSql(parseListFilter(instinctsFilterSchema, { scope: "global" })));
    assert.ok(global.length > 0 && global.every((r) => r.scope === "global"));
  });

  it("lists evaluations by kind and user", async () => {
    const findings = await run(evaluationsSql(parseListFilter(evaluationsFilterSchema, { kind: "audit_finding" })));
    assert.equal(findings.length, 2);
    assert.ok(findings.every((r) => r.audit_rule !== null && r.session_id !== null));
    const daily = await run(evaluationsSql(parseListFilter(evaluationsFilterSchema, { kind: "daily", user: "u05" })));
    assert.deepEqual(daily.map((r) => [r.kind, r.user_id]), [["daily", "u05"]]);
  });
});
