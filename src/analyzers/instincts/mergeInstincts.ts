import { createHash } from "node:crypto";
import type { InstinctPattern } from "../../events/derived/instinct.ts";
import { compareStrings, contentTokensOf, jaccard } from "../text.ts";
import type { InstinctObservation } from "./instinctObservations.ts";

/** Two instincts of the same pattern whose trigger + action tokens overlap at least this much are one. */
export const defaultMergeThreshold = 0.7;

export type InstinctCluster = {
  /** Stable key of the merged instinct: a hash of its representative's identity. */
  key: string;
  pattern: InstinctPattern;
  /** The earliest sighting: its wording stands for the cluster. */
  representative: InstinctObservation;
  identities: string[];
  observations: InstinctObservation[];
};

export const instinctKeyOf = (identity: string): string =>
  `instinct:${createHash("sha256").update(identity).digest("hex").slice(0, 16)}`;

/** Normalised trigger + action tokens: what near-duplicates are compared on. */
export const similarityTokensOf = (observation: Pick<InstinctObservation, "trigger" | "action">): Set<string> =>
  new Set(contentTokensOf(`${observation.trigger} ${observation.action}`));

/**
 * Groups sightings by exact identity, then merges near-duplicate groups of the
 * same pattern (token Jaccard of trigger + action against each cluster's
 * representative ≥ threshold). Groups are visited by first sighting, then
 * identity, so the result does not depend on input order.
 */
export const mergeInstincts = (observations: readonly InstinctObservation[], threshold = defaultMergeThreshold): InstinctCluster[] => {
  const groups = new Map<string, InstinctObservation[]>();
  for (const observation of observations) groups.set(observation.identity, [...(groups.get(observation.identity) ?? []), observation]);
  const ordered = [...groups.entries()]
    .map(([identity, sightings]) => ({
      identity,
      sightings: [...sightings].sort((a, b) => a.timeMs - b.timeMs || compareStrings(a.sessionId, b.sessionId)),
    }))
    .sort((a, b) => a.sightings[0]!.timeMs - b.sightings[0]!.timeMs || compareStrings(a.identity, b.identity));

  const clusters: Array<InstinctCluster & { tokens: Set<string> }> = [];
  for (const { identity, sightings } of ordered) {
    const first = sightings[0]!;
    const tokens = similarityTokensOf(first);
    const home = clusters.find((c) => c.pattern === first.pattern && jaccard(c.tokens, tokens) >= threshold);
    if (home) {
      home.identities.push(identity);
      home.observations.push(...sightings);
    } else {
      clusters.push({ key: instinctKeyOf(identity), pattern: first.pattern, representative: first, identities: [identity], observations: [...sightings], tokens });
    }
  }
  return clusters.map(({ tokens: _tokens, ...cluster }) => ({
    ...cluster,
    observations: cluster.observations.sort((a, b) => a.timeMs - b.timeMs || compareStrings(a.sessionId, b.sessionId)),
  }));
};
