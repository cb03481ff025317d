import { Kafka, logLevel, type Consumer } from "kafkajs";
import { randomUUID } from "node:crypto";

/** One capability of kafkajs that Witness relies on, checked against a live broker. */
export type CompatCheck = { name: string; run: (kafka: Kafka, scope: string) => Promise<void> };

export type CheckResult = { name: string; isPassed: boolean; durationMs: number; error?: string };

const withTimeout = async <T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** Consumes until `count` messages arrived, then stops the consumer. */
const consumeCount = async (consumer: Consumer, topic: string, count: number): Promise<string[]> => {
  const values: string[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? "");
          if (values.length >= count) resolve();
        },
      })
      .catch(reject);
  });
  return values;
};

const topicsFor = (scope: string) => ({ input: `${scope}-in`, output: `${scope}-out` });

/**
 * The checks, in the order they build on each other: topics, an idempotent
 * producer, a consumer group with eachBatch, a consume-transform-produce
 * transaction committing the group offsets with sendOffsets, and read_committed
 * consumers that see committed and never aborted transactional writes.
 */
export const compatChecks: CompatCheck[] = [
  {
    name: "admin: create topics",
    run: async (kafka, scope) => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { input, output } = topicsFor(scope);
        await admin.createTopics({ topics: [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 1 }], waitForLeaders: true });
        const listed = await admin.listTopics();
        if (!listed.includes(input) || !listed.includes(output)) throw new Error(`created topics are not listed: ${listed.join(", ")}`);
      } finally {
        await admin.disconnect();
      }
    },
  },
  {
    name: "idempotent producer",
    run: async (kafka, scope) => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await producer.send({ topic: topicsFor(scope).input, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      } finally {
        await producer.disconnect();
      }
    },
  },
  {
    name: "consumer group (eachBatch, commit)",
    run: async (kafka, scope) => {
      const groupId = `${scope}-batch`;
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: topicsFor(scope).input, fromBeginning: true });
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              autoCommit: false,
              eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
                for (const message of batch.messages) resolveOffset(message.offset);
                await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
                await heartbeat();
                seen += batch.messages.length;
                if (seen >= 20) resolve();
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicsFor(scope).input] });
        const committed = offsets?.partitions.reduce((sum, p) => sum + Number(p.offset), 0) ?? 0;
        if (committed !== 20) throw new Error(`expected committed offsets summing to 20, got ${committed}`);
      } finally {
        await admin.disconnect();
      }
    },
  },
  {
    name: "transactions (send + sendOffsets + commit)",
    run: async (kafka, scope) => {
      const { input, output } = topicsFor(scope);
      const groupId = `${scope}-tx`;
      const producer = kafka.producer({ transactionalId: `${scope}-tx-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
      const consumer = kafka.consumer({ groupId });
      await Promise.all([producer.connect(), consumer.connect()]);
      try {
        await consumer.subscribe({ topic: input, fromBeginning: true });
        let copied = 0;
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              autoCommit: false,
              eachBatchAutoResolve: false,
              eachBatch: async ({ batch, resolveOffset }) => {
                try {
                  const transaction = await producer.transaction();
                  await transaction.send({ topic: output, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) });
                  await transaction.sendOffsets({
                    consumerGroupId: groupId,
                    topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }],
                  });
                  await transaction.commit();
                  for (const m of batch.messages) resolveOffset(m.offset);
                  copied += batch.messages.length;
                  if (copied >= 20) resolve();
                } catch (error) {
                  reject(error);
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await Promise.all([consumer.disconnect(), producer.disconnect()]);
      }
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
        const committed = offsets?.partitions.reduce((sum, p) => sum + Number(p.offset), 0) ?? 0;
        if (committed !== 20) throw new Error(`sendOffsets should have committed 20 offsets for the group, found ${committed}`);
      } finally {
        await admin.disconnect();
      }
    },
  },
  {
    name: "read_committed skips aborted transactions",
    run: async (kafka, scope) => {
      const { output } = topicsFor(scope);
      const producer = kafka.producer({ transactionalId: `${scope}-abort-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        const aborted = await producer.transaction();
        await aborted.send({ topic: output, messages: [{ value: "aborted" }] });
        await aborted.abort();
        const committed = await producer.transaction();
        await committed.send({ topic: output, messages: [{ value: "marker" }] });
        await committed.commit();
      } finally {
        await producer.disconnect();
      }
      const consumer = kafka.consumer({ groupId: `${scope}-read-committed`, readUncommitted: false });
      await consumer.connect();
      try {
        const values = await consumeCount(consumer, output, 21);
        if (values.includes("aborted")) throw new Error("a read_committed consumer saw an aborted message");
        if (values.at(-1) !== "marker") throw new Error(`expected the committed marker last, got ${values.at(-1)}`);
      } finally {
        await consumer.disconnect();
      }
    },
  },
];

/** Runs every check in order against `brokers`; a failed check is recorded and the next still runs. */
export const runCompatChecks = async (brokers: string[], checkTimeoutMs = 90_000): Promise<CheckResult[]> => {
  const scope = `compat-${Date.now().toString(36)}`;
  const kafka = new Kafka({ clientId: "witness-compat", brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const results: CheckResult[] = [];
  for (const check of compatChecks) {
    const startedAt = Date.now();
    try {
      await withTimeout(check.name, checkTimeoutMs, check.run(kafka, scope));
      results.push({ name: check.name, isPassed: true, durationMs: Date.now() - startedAt });
    } catch (error) {
      results.push({ name: check.name, isPassed: false, durationMs: Date.now() - startedAt, error: (error as Error).message });
    }
  }
  return results;
};
