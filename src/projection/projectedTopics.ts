import type { TopicCatalogue } from "../topics/catalogue.ts";
import { derivedProjectedTopics } from "./derivedProjection.ts";
import type { ProjectedTopic } from "./projector.ts";
import { rawProjectedTopics } from "./rawProjection.ts";

/** Which topics a projection reads: the raw ones only, or every projected topic (raw and derived) as `witness run` does. */
export type ProjectedTopicSet = "raw" | "all";

/** One list for the live projector and for `witness replay`, so a rebuilt file holds exactly what the live one does. */
export const projectedTopics = (catalogue: TopicCatalogue, set: ProjectedTopicSet): ProjectedTopic[] =>
  set === "raw" ? rawProjectedTopics(catalogue) : [...rawProjectedTopics(catalogue), ...derivedProjectedTopics(catalogue)];
