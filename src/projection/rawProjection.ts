import type { z } from "zod";
import { rawFamilies } from "../events/families.ts";
import type { TopicCatalogue } from "../topics/catalogue.ts";
import type { Column } from "./columns.ts";
import { appendRowsTo, type ProjectedTopic } from "./projector.ts";
import { rawTables } from "./rawTables.ts";

export const rawProjectionName = "raw";

/** The raw topics of the catalogue, each appended to its family's table. */
export const rawProjectedTopics = (catalogue: TopicCatalogue): ProjectedTopic[] =>
  catalogue.topics.flatMap((spec) => {
    if (spec.role !== "raw" || !spec.family) return [];
    const { table, columns } = rawTables[spec.family];
    return [
      {
        topic: spec.name,
        schema: rawFamilies[spec.family].topicEventSchema as unknown as z.ZodType<{ type: string; time: string }>,
        project: appendRowsTo(table, columns as readonly Column<unknown>[]),
      },
    ];
  });
