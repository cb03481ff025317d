import { type AnalyzerGroup, type AnalyzerGroupOptions, createAnalyzerGroup } from "./analyzerGroup.ts";
import { createAuditAnalyzer } from "./audit/auditAnalyzer.ts";
import { createErrorAnalyzer } from "./errors/errorAnalyzer.ts";
import { createInstinctAnalyzer } from "./instincts/instinctAnalyzer.ts";
import { createPlaybookAnalyzer } from "./playbooks/playbookAnalyzer.ts";
import { createTierAnalyzers, type TierOptions } from "./tiers/tierAnalyzers.ts";

export type DefaultAnalyzerOptions = AnalyzerGroupOptions & { tiers?: Partial<TierOptions> };

/**
 * The analyzer consumer groups Witness runs by default; each name is its Kafka
 * group id. Groups whose analyzers key every event alike (errors by "*",
 * instincts by "*") need all partitions of their input in one instance: run
 * them with one member, or re-key through a repartition topic to scale out.
 */
export const createDefaultAnalyzerGroups = (options: DefaultAnalyzerOptions = {}): AnalyzerGroup[] => [
  createAnalyzerGroup("witness-analyzer-errors", [createErrorAnalyzer()], options),
  createAnalyzerGroup("witness-analyzer-playbooks", [createPlaybookAnalyzer()], options),
  createAnalyzerGroup("witness-analyzer-instincts", [createInstinctAnalyzer()], options),
  createAnalyzerGroup("witness-analyzer-audit", [createAuditAnalyzer()], options),
  createAnalyzerGroup("witness-analyzer-tiers", createTierAnalyzers(options.tiers), options),
];
