import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { loadConfig, type WitnessConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { readTopicCatalogue, type TopicCatalogue } from "../../src/topics/catalogue.ts";

export const repoRoot = resolve(import.meta.dirname, "../..");

/** The cluster every integration test uses: set by scripts/run-tests.ts (or by the developer) in the environment. */
export const testCluster = (): { brokers: string; registryUrl: string } => {
  const brokers = process.env.KAFKA_BROKERS;
  const registryUrl = process.env.SCHEMA_REGISTRY_URL;
  if (!brokers || !registryUrl) throw new Error("KAFKA_BROKERS and SCHEMA_REGISTRY_URL must be set: run integration tests through `npm test`.");
  return { brokers, registryUrl };
};

export type IsolatedWitness = {
  dir: string;
  prefix: string;
  catalogue: TopicCatalogue;
  topic: (name: string) => string;
  config: WitnessConfig;
  duckdbPath: string;
  /** Environment for a child `witness` process with the same isolation. */
  env: Record<string, string>;
};

/**
 * A Witness of its own for one test: topics with a random prefix (so tests never
 * see each other's events), its own DuckDB file, consumer group and HTTP port.
 */
export const isolatedWitness = (label: string, extraEnv: Record<string, string> = {}): IsolatedWitness => {
  const prefix = `t${randomBytes(4).toString("hex")}-${label}`;
  const dir = mkdtempSync(join(tmpdir(), `witness-${label}-`));
  const declared = JSON.parse(readFileSync(join(repoRoot, "topics/topics.json"), "utf8")) as { topics: unknown[] };
  const topicsFile = join(dir, "topics.json");
  writeFileSync(topicsFile, JSON.stringify({ prefix: `${prefix}.`, topics: declared.topics }));
  const catalogue = readTopicCatalogue(topicsFile);
  const cluster = testCluster();
  const env = {
    KAFKA_BROKERS: cluster.brokers,
    SCHEMA_REGISTRY_URL: cluster.registryUrl,
    WITNESS_TOPICS_FILE: topicsFile,
    WITNESS_DUCKDB_PATH: join(dir, "witness.duckdb"),
    WITNESS_PROJECTOR_GROUP: `${prefix}-projector`,
    WITNESS_HTTP_PORT: "0",
    WITNESS_LOG_LEVEL: "warn",
    // No wall-clock ticks unless a test asks: tests write the ticks they need.
    WITNESS_TICK_INTERVAL_MS: "86400000",
    ...extraEnv,
  };
  return { dir, prefix, catalogue, topic: (name) => `${prefix}.${name}`, config: loadConfig(env), duckdbPath: env.WITNESS_DUCKDB_PATH, env };
};

export const quietLogger = () => createLogger({ level: process.env.WITNESS_TEST_LOG_LEVEL ?? "silent" });

export const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, intervalMs = 250): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
};
