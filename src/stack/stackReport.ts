import type { LocalStack, LocalStackStatus, StopResult } from "./localStack.ts";

/** What `witness stack up` prints once the stack answers: where it is and how to use it from another shell. */
export const describeLocalStack = (stack: LocalStack): string =>
  [
    `Local stack ${stack.startedNow ? "started" : "already running"} (${stack.stackDir}):`,
    `  Kafka ${stack.kafkaVersion.padEnd(10)} ${stack.brokers.join(",")}`,
    `  Apicurio ${stack.registryVersion.padEnd(7)} ${stack.registryUrl}`,
    "Use it from another shell or client:",
    `  export KAFKA_BROKERS=${stack.brokers.join(",")}`,
    `  export SCHEMA_REGISTRY_URL=${stack.registryUrl}`,
    "Stop it with `witness stack down` (data and downloads are kept).",
  ].join("\n");

const healthWords = { running: "running", "not-answering": "running but NOT ANSWERING", stopped: "stopped" } as const;

/** What `witness stack status` prints. */
export const describeLocalStackStatus = (status: LocalStackStatus): string => {
  const { kafka, registry } = status;
  const lines = [`Local stack in ${status.stackDir}`];
  lines.push(`  Kafka:    ${healthWords[kafka.health]}`);
  if (kafka.recorded && kafka.health !== "stopped") {
    lines.push(`            ${kafka.recorded.version} at ${kafka.brokers?.join(",")} (pid ${kafka.recorded.pid}, since ${kafka.recorded.startedAt})`);
    lines.push(`            data ${kafka.recorded.dataDir}; log ${kafka.recorded.logFile}`);
  }
  lines.push(`  Registry: ${healthWords[registry.health]}`);
  if (registry.recorded && registry.health !== "stopped") {
    lines.push(`            Apicurio ${registry.recorded.version} at ${registry.recorded.url} (pid ${registry.recorded.pid}, since ${registry.recorded.startedAt})`);
    lines.push(`            storage: ${registry.recorded.storage}; log ${registry.recorded.logFile}`);
  }
  lines.push(`  Cached:   ${status.cachedArtifacts.length > 0 ? status.cachedArtifacts.join(", ") : "nothing yet (the first `witness stack up` fetches with Maven)"}`);
  lines.push(`  A fresh start runs Kafka ${status.versions.kafka} and Apicurio Registry ${status.versions.registry}.`);
  if (kafka.health !== "running" || registry.health !== "running") lines.push("Start it with `witness stack up`.");
  return lines.join("\n");
};

const stopWords = { "not-recorded": "was not running", "not-running": "was not running", terminated: "stopped", killed: "killed (did not stop within the grace period)" } as const;

/** What `witness stack down` prints. */
export const describeStopResult = (result: StopResult): string =>
  [`Kafka: ${stopWords[result.kafka]}.`, `Schema registry: ${stopWords[result.registry]}.`].join("\n");
