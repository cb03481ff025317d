import type { z } from "zod";
import type { DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import { derivedFamilies, type DerivedEvent } from "../events/derived/derivedFamilies.ts";
import type { TopicCatalogue } from "../topics/catalogue.ts";
import type { KafkaPosition } from "./columns.ts";
import { derivedTables, insertHistorySql, rowValues, upsertCurrentSql, type DerivedTable } from "./derivedTables.ts";
import type { ProjectedTopic } from "./projector.ts";
import { applyEvaluationRetention } from "./evaluationRetention.ts";

/** Rows per INSERT statement: keeps the bound values of one statement in the low thousands. */
export const derivedRowsPerStatement = 100;

type Projected<E> = { event: E; position: KafkaPosition };

/** The highest revision of every id in a batch (the first one seen on a tie), in first-seen order. */
export const highestRevisionPerId = <E extends DerivedEvent>(rows: readonly Projected<E>[]): Projected<E>[] => {
  const byId = new Map<string, Projected<E>>();
  for (const row of rows) {
    const current = byId.get(row.event.id);
    if (!current || row.event.revision > current.event.revision) byId.set(row.event.id, row);
  }
  return [...byId.values()];
};

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Writes a batch of derived events into the family's history (every new
 * (id, revision)) and current state (highest revision per id), inside the
 * projector's transaction. Idempotent: a redelivered batch changes nothing, and
 * a revision lower than or equal to the stored one never replaces it.
 */
export const projectDerivedEvents =
  <E extends DerivedEvent>(table: DerivedTable<E>): ProjectedTopic["project"] =>
  async (tx, events) => {
    const rows = events as unknown as readonly Projected<E>[];
    for (const chunk of chunks(rows, derivedRowsPerStatement)) {
      await tx.run(insertHistorySql(table as DerivedTable<never>, chunk.length), rowValues(table.columns, chunk));
    }
    for (const chunk of chunks(highestRevisionPerId(rows), derivedRowsPerStatement)) {
      await tx.run(upsertCurrentSql(table as DerivedTable<never>, chunk.length), rowValues(table.columns, chunk));
    }
  };

/** Evaluations are cleaned up per tier after every batch, in the same transaction. */
const withRetention = (logicalName: DerivedTopic, project: ProjectedTopic["project"]): ProjectedTopic["project"] =>
  logicalName !== "witness.evaluations"
    ? project
    : async (tx, events) => {
        await project(tx, events);
        await applyEvaluationRetention(tx);
      };

const isDerivedTopic = (logicalName: string): logicalName is DerivedTopic => Object.hasOwn(derivedFamilies, logicalName);

/** The derived topics of the catalogue (by cluster name), each validated by its family's schema and projected into its tables. */
export const derivedProjectedTopics = (catalogue: TopicCatalogue): ProjectedTopic[] =>
  catalogue.topics.flatMap((spec) => {
    if (spec.role !== "derived" || !isDerivedTopic(spec.logicalName)) return [];
    return [
      {
        topic: spec.name,
        schema: derivedFamilies[spec.logicalName].eventSchema as unknown as z.ZodType<{ type: string; time: string }>,
        project: withRetention(spec.logicalName, projectDerivedEvents(derivedTables[spec.logicalName] as DerivedTable<DerivedEvent>)),
      },
    ];
  });
