import { evaluationRetentionMs } from "../analyzers/tiers/retention.ts";
import type { ProjectionTransaction } from "./duckdbStore.ts";

/**
 * Retention per tier in the projection (metas 48 h, daily reports 90 days, …),
 * measured in event time: "now" is the latest window end projected, so a replay
 * keeps exactly what the live projection kept. The topic's own retention bounds
 * what Kafka keeps; this bounds what queries see.
 */
export const applyEvaluationRetention = async (tx: ProjectionTransaction): Promise<void> => {
  for (const [kind, retentionMs] of Object.entries(evaluationRetentionMs)) {
    for (const table of ["evaluations", "evaluations_history"]) {
      await tx.run(
        `DELETE FROM ${table} WHERE kind = $1
           AND window_end + to_milliseconds($2::BIGINT) <= (SELECT max(window_end) FROM evaluations_history)`,
        [kind, BigInt(retentionMs)],
      );
    }
  }
};
