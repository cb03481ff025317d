import { Kafka, logLevel } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";

/** Kafka is ready when a client can connect and list topics (metadata served by the broker). */
export const isKafkaReady = async (brokers: string[], timeoutMs = 5_000): Promise<boolean> => {
  const admin = new Kafka({
    clientId: "witness-stack-probe",
    brokers,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    // Not ready is an answer here, not an error: the caller polls until its deadline.
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/** The registry is ready when its Confluent-compatible API lists subjects. */
export const isRegistryReady = async (registryUrl: string, timeoutMs = 5_000): Promise<boolean> => {
  try {
    const response = await fetch(`${registryUrl}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    // Connection refused or timed out: not ready yet.
    return false;
  }
};

export type WaitOptions = {
  isReady: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
  /** Returns a reason to give up early (e.g. the process died), or undefined to keep waiting. */
  giveUpReason?: () => string | undefined;
  signal?: AbortSignal;
};

export type WaitOutcome = { isReady: true; waitedMs: number } | { isReady: false; waitedMs: number; reason: string };

/** Polls `isReady` until it answers true, the deadline passes, or there is a reason to stop. */
export const waitUntilReady = async ({ isReady, timeoutMs, intervalMs = 500, giveUpReason, signal }: WaitOptions): Promise<WaitOutcome> => {
  const startedAt = Date.now();
  const waited = () => Date.now() - startedAt;
  for (;;) {
    if (await isReady()) return { isReady: true, waitedMs: waited() };
    const reason = signal?.aborted ? "interrupted" : giveUpReason?.();
    if (reason) return { isReady: false, waitedMs: waited(), reason };
    if (waited() >= timeoutMs) return { isReady: false, waitedMs: waited(), reason: `not ready after ${Math.round(timeoutMs / 1000)} s` };
    await sleep(intervalMs);
  }
};
