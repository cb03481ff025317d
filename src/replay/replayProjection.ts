import { randomBytes } from "node:crypto";
import { basename, dirname, extname, join } from "node:path";
import type { Kafka } from "kafkajs";
import type { SchemaResolver } from "../codec/schemaResolver.ts";
import type { Logger } from "../observability/logger.ts";
import { openDuckdbStore } from "../projection/duckdbStore.ts";
import { projectedTopics, type ProjectedTopicSet } from "../projection/projectedTopics.ts";
import { rawProjectionName } from "../projection/rawProjection.ts";
import type { TopicCatalogue } from "../topics/catalogue.ts";
import { rebuildProjection } from "./rebuildProjection.ts";
import { readManifest, writeManifest, type ReplayManifest } from "./replayManifest.ts";
import { requestSwap, type SwapOutcome } from "./requestSwap.ts";
import { verifyRebuild, type Verification } from "./verifyRebuild.ts";

export type ReplayDeps = { kafka: Kafka; resolver: SchemaResolver; catalogue: TopicCatalogue; logger: Logger };

export type ReplayRequest = {
  topicSet: ProjectedTopicSet;
  /** The live DuckDB file: the default --out sits next to it, and --swap replaces it. */
  livePath: string;
  outPath?: string;
  fromTimestamp?: string;
  asOf?: string;
  isSwap: boolean;
  onProgress?: (done: bigint, total: bigint) => void;
  signal?: AbortSignal;
  /** Defaults to now; only names the default --out file. */
  now?: Date;
};

export type ReplayReport = { outPath: string; manifest: ReplayManifest; verification: Verification; swap: SwapOutcome | undefined };

/** `witness.duckdb` → `witness.replay-20261120T100000Z.duckdb`, beside it (same filesystem, so a swap is a rename). */
export const defaultReplayPath = (livePath: string, now: Date): string => {
  const extension = extname(livePath);
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return join(dirname(livePath), `${basename(livePath, extension)}.replay-${stamp}${extension || ".duckdb"}`);
};

/** Rebuild into a fresh file, verify it, write its manifest, and swap it in if asked and verified. */
export const replayProjection = async (deps: ReplayDeps, request: ReplayRequest): Promise<ReplayReport> => {
  const outPath = request.outPath ?? defaultReplayPath(request.livePath, request.now ?? new Date());
  const groupId = `${deps.catalogue.prefix}witness-replay-${Date.now()}-${randomBytes(3).toString("hex")}`;
  const rebuilt = await rebuildProjection(
    { kafka: deps.kafka, resolver: deps.resolver, logger: deps.logger },
    {
      projection: rawProjectionName,
      topics: projectedTopics(deps.catalogue, request.topicSet),
      derivedTopics: new Set(deps.catalogue.topics.filter((t) => t.role === "derived").map((t) => t.name)),
      outPath,
      groupId,
      fromTimestampMs: request.fromTimestamp === undefined ? undefined : Date.parse(request.fromTimestamp),
      asOfMs: request.asOf === undefined ? undefined : Date.parse(request.asOf),
      onProgress: request.onProgress,
      signal: request.signal,
    },
  );
  let verification: Verification;
  try {
    verification = await verifyRebuild((sql, values) => rebuilt.store.query(sql, values), rawProjectionName, rebuilt.partitions);
  } finally {
    await rebuilt.store.close();
  }
  const manifest: ReplayManifest = {
    version: 1,
    projection: rawProjectionName,
    topicSet: request.topicSet,
    createdAt: new Date().toISOString(),
    fromTimestamp: request.fromTimestamp ?? null,
    asOf: request.asOf ?? null,
    elapsedMs: rebuilt.elapsedMs,
    partitions: rebuilt.partitions,
    isVerified: verification.isOk,
    checksums: verification.checksums,
  };
  writeManifest(outPath, manifest);
  const swap = request.isSwap && verification.isOk ? await requestSwap(request.livePath, outPath, rawProjectionName) : undefined;
  return { outPath, manifest, verification, swap };
};

/** Verifies a file built earlier against its manifest (nothing is read from Kafka). */
export const verifyReplayFile = async (path: string): Promise<{ manifest: ReplayManifest; verification: Verification }> => {
  const manifest = readManifest(path);
  const store = await openDuckdbStore(path, { isReadOnly: true });
  try {
    return { manifest, verification: await verifyRebuild((sql, values) => store.query(sql, values), manifest.projection, manifest.partitions) };
  } finally {
    await store.close();
  }
};
