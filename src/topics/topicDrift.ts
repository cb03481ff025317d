import type { TopicSpec } from "./catalogue.ts";

/** What the cluster has for one topic, as read through the admin API. */
export type ActualTopic = { name: string; partitions: number; config: Record<string, string | undefined> };

export type TopicDrift = { topic: string; setting: string; declared: string; actual: string; hint: string };
export type TopicPlan = { missing: TopicSpec[]; drift: TopicDrift[]; matching: string[] };

/**
 * Compares the catalogue with the cluster. Pure: no broker needed. Drift is
 * reported, never repaired destructively — Kafka cannot shrink partitions, and
 * changing a cleanup policy under a live topic may delete data.
 */
export const planTopics = (declared: readonly TopicSpec[], actual: readonly ActualTopic[]): TopicPlan => {
  const actualByName = new Map(actual.map((t) => [t.name, t]));
  const plan: TopicPlan = { missing: [], drift: [], matching: [] };
  for (const spec of declared) {
    const found = actualByName.get(spec.name);
    if (!found) {
      plan.missing.push(spec);
      continue;
    }
    const drift: TopicDrift[] = [];
    if (found.partitions < spec.partitions) {
      drift.push({
        topic: spec.name,
        setting: "partitions",
        declared: String(spec.partitions),
        actual: String(found.partitions),
        hint: "add partitions with kafka-topics --alter (keyed order changes for moved keys)",
      });
    } else if (found.partitions > spec.partitions) {
      drift.push({ topic: spec.name, setting: "partitions", declared: String(spec.partitions), actual: String(found.partitions), hint: "raise the declared count in topics.json; Kafka cannot shrink a topic" });
    }
    for (const [setting, value] of Object.entries(spec.config)) {
      const current = found.config[setting];
      if (current !== undefined && current !== value) {
        drift.push({ topic: spec.name, setting, declared: value, actual: current, hint: `review, then kafka-configs --alter --add-config ${setting}=${value}` });
      }
    }
    if (drift.length === 0) plan.matching.push(spec.name);
    plan.drift.push(...drift);
  }
  return plan;
};

export const formatTopicPlan = (plan: TopicPlan, created: readonly string[]): string[] => [
  ...created.map((name) => `created  ${name}`),
  ...plan.matching.map((name) => `ok       ${name}`),
  ...plan.drift.map((d) => `drift    ${d.topic}: ${d.setting} declared ${d.declared}, actual ${d.actual} (${d.hint})`),
];
