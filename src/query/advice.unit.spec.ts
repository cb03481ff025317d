import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { derivedTopics } from "../events/derived/derivedEnvelope.ts";
import { derivedProjectedTopics } from "../projection/derivedProjection.ts";
import { openDuckdbStore, type ProjectionStore } from "../projection/duckdbStore.ts";
import { readDerivedFixtures } from "../testing/derivedFixtures.ts";
import { parseTopicCatalogue } from "../topics/catalogue.ts";
import { adviceRequestSchema, adviseOn, operationKeyword } from "./advice.ts";
import { runReadOnlyQuery } from "./sqlSandbox.ts";

const catalogue = parseTopicCatalogue({
  topics: [...Object.values(derivedTopics).map((name) => ({ name, role: "derived", partitions: 1 })), { name: "witness.dlq", role: "dead-letter", partitions: 1 }],
});

describe("advice before an agent acts", () => {
  let store: ProjectionStore;
  let advise: (query: Record<string, string>) => ReturnType<typeof adviseOn>;

  before(async () => {
    store = await openDuckdbStore(":memory:");
    for (const projected of derivedProjectedTopics(catalogue)) {
      const logical = catalogue.topics.find((t) => t.name === projected.topic)!.logicalName as (typeof derivedTopics)[keyof typeof derivedTopics];
      const events = [...readDerivedFixtures(logical).values()];
      await store.withTransaction("derived", (tx) =>
        projected.project(tx, events.map((event, i) => ({ event, position: { topic: projected.topic, partition: 0, offset: String(i) } }))),
      );
    }
    const connection = await store.connect();
    advise = (query) => adviseOn((sql) => runReadOnlyQuery(connection, sql), adviceRequestSchema.parse(query));
  });
  after(async () => {
    await store.close();
  });

  it("warns about failures to avoid on the operation about to be called", async () => {
    const advice = await advise({ operation: "POST /v1/llm/complete" });
    assert.deepEqual(advice.avoid.map((d) => d.cause), ["rate_limit"]);
    assert.match(String(advice.avoid[0]!.advice), /rate limit/i);
  });

  it("offers the playbook of the operation and no avoid for a transient failure", async () => {
    const advice = await advise({ operation: "POST /v1/search" });
    assert.deepEqual(advice.playbooks.map((p) => p.operation), ["POST /v1/search"]);
    assert.deepEqual(advice.avoid, [], "the timeout diagnosis is not an avoid");
  });

  it("offers global instincts about the tool, and project ones only in their project", async () => {
    const anywhere = await advise({ operation: "tool:bash" });
    assert.deepEqual(anywhere.instincts.map((i) => i.scope), ["global"]);
    const inShop = await advise({ operation: "tool:bash", project: "shop" });
    assert.deepEqual(inShop.instincts.map((i) => i.scope).sort(), ["global", "project"], "the shop project's bash instinct joins in");
    const inInfra = await advise({ operation: "tool:bash", project: "infra" });
    assert.deepEqual(inInfra.instincts.map((i) => i.scope), ["global"], "infra's instinct is about committing, not bash");
  });

  it("says nothing about an operation it knows nothing of", async () => {
    assert.deepEqual(await advise({ operation: "GET /v1/unknown" }), { operation: "GET /v1/unknown", avoid: [], playbooks: [], instincts: [] });
  });

  it("keeps operation names out of the SQL text except as quoted literals", async () => {
    const advice = await advise({ operation: "x' OR 1=1 --" });
    assert.deepEqual([advice.avoid.length, advice.playbooks.length], [0, 0]);
    assert.equal(operationKeyword("tool:web_fetch"), "web_fetch");
    assert.equal(operationKeyword("POST /v1/search"), "/v1/search");
  });
});
