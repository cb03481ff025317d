import kafkajs, { type Kafka } from "kafkajs";

// kafkajs is CommonJS and Node cannot see this enum as a named export.
const { ConfigResourceTypes } = kafkajs;
import { externalError } from "../errors/witnessError.ts";
import { retryRetriable } from "../kafka/retryRetriable.ts";
import type { TopicCatalogue } from "./catalogue.ts";
import { planTopics, type ActualTopic, type TopicPlan } from "./topicDrift.ts";

export type TopicsApplied = { plan: TopicPlan; created: string[] };

const readActualTopics = async (admin: ReturnType<Kafka["admin"]>, names: string[]): Promise<ActualTopic[]> => {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((n) => existing.has(n));
  if (present.length === 0) return [];
  const { topics } = await admin.fetchTopicMetadata({ topics: present });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  return topics.map((t) => {
    const resource = configs.resources.find((r) => r.resourceName === t.name);
    const config = Object.fromEntries((resource?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
    return { name: t.name, partitions: t.partitions.length, config };
  });
};

const applyOnce = async (kafka: Kafka, catalogue: TopicCatalogue, defaultReplicationFactor: number): Promise<TopicsApplied> => {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const names = catalogue.topics.map((t) => t.name);
    const plan = planTopics(catalogue.topics, await readActualTopics(admin, names));
    if (plan.missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: plan.missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor ?? defaultReplicationFactor,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return { plan, created: plan.missing.map((s) => s.name) };
  } finally {
    await admin.disconnect();
  }
};

/**
 * Creates what is missing, idempotently, and reports drift without destroying
 * anything. Retriable broker errors (a broker still loading its metadata after a
 * restart) are retried for up to a minute; the plan is re-read on every attempt.
 */
export const applyTopics = async (kafka: Kafka, catalogue: TopicCatalogue, defaultReplicationFactor = -1): Promise<TopicsApplied> => {
  try {
    return await retryRetriable(() => applyOnce(kafka, catalogue, defaultReplicationFactor), { timeoutMs: 60_000 });
  } catch (cause) {
    throw externalError("topics.apply", `Applying topics failed: ${(cause as Error).message}. Check that the brokers are reachable and allow topic creation.`, cause);
  }
};
