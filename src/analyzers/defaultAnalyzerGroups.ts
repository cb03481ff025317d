import { dayMs } from "../windows/windowSpec.ts";
import { type AnalyzerGroup, type AnalyzerGroupOptions, createAnalyzerGroup } from "./analyzerGroup.ts";
import { createAuditAnalyzer } from "./audit/auditAnalyzer.ts";
import { createErrorAnalyzer } from "./errors/errorAnalyzer.ts";
import { createInstinctAnalyzer } from "./instincts/instinctAnalyzer.ts";
import { createPlaybookAnalyzer } from "./playbooks/playbookAnalyzer.ts";
import { createTierAnalyzers, type TierOptions } from "./tiers/tierAnalyzers.ts";

export type DefaultAnalyzerOptions = AnalyzerGroupOptions & { tiers?: Partial<TierOptions> };

/** Operations and sessions stream in live: a day of lateness is plenty and keeps state small. */
export const liveStreamLatenessMs = dayMs;

/**
 * The analyzer consumer groups Witness runs by default; each name is its Kafka
 * group id. Groups whose analyzers key every event alike (errors by "*",
 * instincts by "*") need all partitions of their input in one instance: run
 * them with one member, or re-key through a repartition topic to scale out.
 */
export const createDefaultAnalyzerGroups = (options: DefaultAnalyzerOptions = {}): AnalyzerGroup[] => {
  const live = { allowedLatenessMs: liveStreamLatenessMs, ...options };
  return [
    createAnalyzerGroup("witness-analyzer-errors", [createErrorAnalyzer()], live),
    createAnalyzerGroup("witness-analyzer-playbooks", [createPlaybookAnalyzer()], live),
    createAnalyzerGroup("witness-analyzer-instincts", [createInstinctAnalyzer()], live),
    createAnalyzerGroup("witness-analyzer-audit", [createAuditAnalyzer()], live),
    // Notes may reach us days late (offline clients); a user's day stays correctable for the default week.
    createAnalyzerGroup("witness-analyzer-tiers", createTierAnalyzers(options.tiers), options),
  ];
};
