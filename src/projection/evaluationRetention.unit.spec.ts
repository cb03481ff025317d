import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EvaluationEvent } from "../events/derived/evaluation.ts";
import { derivedFixture } from "../testing/derivedFixtures.ts";
import { derivedProjectedTopics } from "./derivedProjection.ts";
import { openDuckdbStore, type ProjectionStore } from "./duckdbStore.ts";
import { parseTopicCatalogue } from "../topics/catalogue.ts";

const catalogue = parseTopicCatalogue({ topics: [{ name: "witness.evaluations", role: "derived", partitions: 1 }, { name: "witness.dlq", role: "dead-letter", partitions: 1 }] });
const evaluations = derivedProjectedTopics(catalogue)[0]!;

/** A fixture moved to another window (and so another id). */
const at = (event: EvaluationEvent, id: string, windowEndIso: string): EvaluationEvent => ({
  ...event,
  id,
  window_start: new Date(Date.parse(windowEndIso) - 3_600_000).toISOString(),
  window_end: windowEndIso,
  time: windowEndIso,
});

describe("retention of evaluations in the projection", () => {
  let store: ProjectionStore;
  before(async () => {
    store = await openDuckdbStore(":memory:");
  });
  after(async () => {
    await store.close();
  });

  const project = (events: EvaluationEvent[]) =>
    store.withTransaction("derived", (tx) =>
      evaluations.project(tx, events.map((event, i) => ({ event, position: { topic: "witness.evaluations", partition: 0, offset: String(i) } }))),
    );
  const ids = async () => (await store.query("SELECT id FROM evaluations ORDER BY id")).rows.map((r) => r.id);

  it("keeps metas for 48 hours and daily reports for 90 days of event time", async () => {
    const meta = derivedFixture("witness.evaluations", "meta-synthesis") as EvaluationEvent;
    const daily = derivedFixture("witness.evaluations", "daily-report") as EvaluationEvent;
    await project([at(meta, "meta-old", "2025-01-01T06:00:00Z"), at(daily, "daily-old", "2025-01-02T00:00:00Z")]);
    assert.deepEqual(await ids(), ["daily-old", "meta-old"]);

    await project([at(meta, "meta-3-days-later", "2025-01-04T06:00:00Z")]);
    assert.deepEqual(await ids(), ["daily-old", "meta-3-days-later"], "the old meta is past 48 h; the daily report is not past 90 days");
    assert.equal((await store.query("SELECT count(*) AS n FROM evaluations_history WHERE id = 'meta-old'")).rows[0]!.n, 0);

    await project([at(daily, "daily-100-days-later", "2025-04-12T00:00:00Z")]);
    assert.deepEqual(await ids(), ["daily-100-days-later"]);
  });
});
