/**
 * Windowed views over event time: per endpoint per 1 min / 5 min / 1 h, the
 * count, failures, success rate and p50/p95 duration. Views, not tables, so a
 * query always sees exactly what the projector committed.
 */
export const operationWindowSizes = [
  { suffix: "1m", interval: "1 minute" },
  { suffix: "5m", interval: "5 minutes" },
  { suffix: "1h", interval: "1 hour" },
] as const;

export const operationWindowViewSql = (suffix: string, interval: string): string => `
CREATE OR REPLACE VIEW operation_windows_${suffix} AS
SELECT
  time_bucket(INTERVAL '${interval}', time) AS window_start,
  time_bucket(INTERVAL '${interval}', time) + INTERVAL '${interval}' AS window_end,
  operation AS endpoint,
  count(*) AS events,
  count(*) FILTER (WHERE NOT success) AS failures,
  round(avg(CASE WHEN success THEN 1.0 ELSE 0.0 END), 4) AS success_rate,
  round(quantile_cont(duration_ms, 0.5), 2) AS p50_duration_ms,
  round(quantile_cont(duration_ms, 0.95), 2) AS p95_duration_ms
FROM operations
GROUP BY ALL`;

export const windowViewsSql = (): string[] => operationWindowSizes.map(({ suffix, interval }) => operationWindowViewSql(suffix, interval));
