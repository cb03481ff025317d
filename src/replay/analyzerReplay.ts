import { randomBytes } from "node:crypto";
import avro from "avsc";
import { Partitioners, type Kafka } from "kafkajs";
import type { z } from "zod";
import { runAnalyzerGroup, type AnalyzerGroup, type InputRecord } from "../analyzers/analyzerGroup.ts";
import { latestRevisions, serializeDerivedEvent } from "../analyzers/derivedEvents.ts";
import { decodeEvent, isPoison } from "../codec/eventCodec.ts";
import { avroTypeOptions, type SchemaResolver } from "../codec/schemaResolver.ts";
import { externalError, userError } from "../errors/witnessError.ts";
import type { DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import { derivedFamilies, derivedTopicOfType, type DerivedEvent } from "../events/derived/derivedFamilies.ts";
import { rawFamilies, type RawTopicEvent } from "../events/families.ts";
import { encodeDerivedEvent } from "../ingest/derivedSchemaRegistration.ts";
import { readAvroSchema, valueSubject, type TopicRegistration } from "../ingest/schemaRegistration.ts";
import type { Logger } from "../observability/logger.ts";
import type { TopicCatalogue } from "../topics/catalogue.ts";
import { capturePartitionRanges, rangeKey } from "./partitionRanges.ts";
import { readRanges } from "./rangeReader.ts";

/**
 * Analyzer replay: the analyzers as they are now (possibly a new version) run
 * over the raw topics — events and clock ticks, the same records the live
 * groups read — up to the end offsets captured at the start, through the pure
 * driver (`runAnalyzerGroup`). The output goes to side topics, or is compared
 * with the live derived topics (--dry-run).
 *
 * Records of all partitions are merged in event-time order (ties: topic, then
 * partition), each partition in offset order: a fixed order, so two replays
 * agree byte for byte. The live groups see partitions interleaved as fetches
 * arrive, so a late/on-time decision near a window's close can differ from
 * this order; the dry run shows it as a changed revision.
 */

export type AnalyzerReplayDeps = { kafka: Kafka; resolver: SchemaResolver; catalogue: TopicCatalogue; logger: Logger };

/** Records read per run are held in memory; past this bound the replay stops with a clear error instead of swapping. */
export const defaultMaxRecords = 5_000_000;

type DecodedTopic = { logical: string; schema: z.ZodType<RawTopicEvent | DerivedEvent> };

const inputSchemaOf = (catalogue: TopicCatalogue, logical: string): DecodedTopic => {
  const spec = catalogue.topics.find((t) => t.logicalName === logical);
  if (!spec) throw userError("replay.analyzer_input", `The analyzers read ${logical}, which the topic catalogue lacks.`);
  if (spec.family) return { logical, schema: rawFamilies[spec.family].topicEventSchema as unknown as DecodedTopic["schema"] };
  if (Object.hasOwn(derivedFamilies, logical)) return { logical, schema: derivedFamilies[logical as DerivedTopic].eventSchema as unknown as DecodedTopic["schema"] };
  throw userError("replay.analyzer_input", `The analyzers read ${logical}, which is neither a raw nor a derived topic.`);
};

/** Reads the topics (logical names) from their earliest offsets up to the end offsets captured now, decoded; poison is skipped. */
export const readTopicRecords = async (
  deps: AnalyzerReplayDeps,
  logicalTopics: readonly string[],
  options: { maxRecords?: number; signal?: AbortSignal; onProgress?: (done: bigint, total: bigint) => void } = {},
): Promise<{ partitions: InputRecord[][]; skipped: number }> => {
  const decoders = new Map(logicalTopics.map((logical) => [deps.catalogue.topics.find((t) => t.logicalName === logical)?.name ?? logical, inputSchemaOf(deps.catalogue, logical)]));
  const ranges = await capturePartitionRanges(deps.kafka, [...decoders.keys()]);
  const byPartition = new Map<string, InputRecord[]>(ranges.map((r) => [rangeKey(r), []]));
  const maxRecords = options.maxRecords ?? defaultMaxRecords;
  let count = 0;
  let skipped = 0;
  await readRanges(deps.kafka, {
    groupId: `${deps.catalogue.prefix}witness-replay-analyzers-${Date.now()}-${randomBytes(3).toString("hex")}`,
    ranges,
    logger: deps.logger,
    signal: options.signal,
    onProgress: options.onProgress,
    onBatch: async ({ topic, partition, messages }) => {
      const decoder = decoders.get(topic)!;
      const into = byPartition.get(rangeKey({ topic, partition }))!;
      for (const message of messages) {
        try {
          const event = await decodeEvent(deps.resolver, message.value, decoder.schema);
          into.push({ topic: decoder.logical, partition, offset: Number(message.offset), event });
        } catch (error) {
          if (!isPoison(error)) throw error;
          skipped += 1; // the projector dead-letters it; analyzers skip it, live and in replay alike
        }
      }
      count += messages.length;
      if (count > maxRecords) {
        throw userError("replay.too_many_records", `The analyzer replay holds records in memory and stops past ${maxRecords}; replay fewer groups at a time (--group).`);
      }
    },
  });
  return { partitions: [...byPartition.values()], skipped };
};

/** One sequence from per-partition sequences: smallest event time first, each partition kept in offset order. */
export const mergeByEventTime = (partitions: readonly (readonly InputRecord[])[]): InputRecord[] => {
  const heads = partitions.map(() => 0);
  const merged: InputRecord[] = [];
  const timeOf = (r: InputRecord) => Date.parse(r.event.time);
  for (;;) {
    let best = -1;
    for (let i = 0; i < partitions.length; i++) {
      const candidate = partitions[i]![heads[i]!];
      if (!candidate) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const current = partitions[best]![heads[best]!]!;
      const order = timeOf(candidate) - timeOf(current) || (candidate.topic < current.topic ? -1 : candidate.topic > current.topic ? 1 : candidate.partition - current.partition);
      if (order < 0) best = i;
    }
    if (best < 0) return merged;
    merged.push(partitions[best]![heads[best]!]!);
    heads[best]! += 1;
  }
};

/** Every derived event the groups produce over the records, group by group, in emission order. */
export const rederive = (groups: readonly AnalyzerGroup[], records: readonly InputRecord[]): DerivedEvent[] =>
  groups.flatMap((group) => runAnalyzerGroup(group, records).derived);

export type DerivedSummary = { id: string; revision: number; analyzer_version: string };
export type DerivedChange = {
  change: "added" | "removed" | "changed";
  type: string;
  analyzer: string;
  key: string;
  window_start: string;
  window_end: string;
  live?: DerivedSummary;
  replay?: DerivedSummary;
};

const identityOf = (e: DerivedEvent): string => `${e.analyzer}\u0000${e.key}\u0000${e.window_start}\u0000${e.window_end}`;
const contentOf = (e: DerivedEvent): string => JSON.stringify([e.data, e.evidence, e.evidence_count]);
const summaryOf = (e: DerivedEvent): DerivedSummary => ({ id: e.id, revision: e.revision, analyzer_version: e.analyzer_version });

/**
 * What a replay would change, result by result: a result is an analyzer's
 * item for a key and window (so a new analyzer version, which changes ids,
 * shows as changed rather than removed and added). Only standing results
 * count: the latest revision of each id, retractions dropped.
 */
export const diffDerived = (live: readonly DerivedEvent[], replayed: readonly DerivedEvent[]): { changes: DerivedChange[]; unchanged: number } => {
  const standing = (events: readonly DerivedEvent[]) => new Map(latestRevisions(events).filter((e) => !e.retracted).map((e) => [identityOf(e), e]));
  const before = standing(live);
  const after = standing(replayed);
  const changes: DerivedChange[] = [];
  let unchanged = 0;
  const describe = (e: DerivedEvent) => ({ type: e.type, analyzer: e.analyzer, key: e.key, window_start: e.window_start, window_end: e.window_end });
  for (const [identity, was] of before) {
    const now = after.get(identity);
    if (!now) changes.push({ change: "removed", ...describe(was), live: summaryOf(was) });
    else if (now.id !== was.id || contentOf(now) !== contentOf(was)) changes.push({ change: "changed", ...describe(was), live: summaryOf(was), replay: summaryOf(now) });
    else unchanged += 1;
  }
  for (const [identity, now] of after) if (!before.has(identity)) changes.push({ change: "added", ...describe(now), replay: summaryOf(now) });
  const order = (c: DerivedChange) => `${c.analyzer}\u0000${c.window_end}\u0000${c.key}\u0000${c.change}`;
  return { changes: changes.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)), unchanged };
};

export const sideTopicName = (clusterTopic: string, label: string): string => `${clusterTopic}.replay-${label}`;

export const checkLabel = (label: string | undefined): string => {
  if (!label || !/^[a-zA-Z0-9._-]{1,60}$/.test(label)) {
    throw userError("replay.label", `--label names the side topics <derived topic>.replay-<label>: 1–60 letters, digits, . _ or - (got ${JSON.stringify(label ?? "")}).`);
  }
  return label;
};

/**
 * Writes re-derived events to `<derived topic>.replay-<label>` (created with
 * the derived topic's partitions and config, Avro contract registered under
 * its own subject), keyed by id like the live topics. Identical ids make a
 * second run with the same label idempotent once compaction has run.
 */
export const publishToSideTopics = async (deps: AnalyzerReplayDeps, label: string, events: readonly DerivedEvent[]): Promise<{ topic: string; events: number }[]> => {
  const byTopic = new Map<DerivedTopic, DerivedEvent[]>();
  for (const event of events) {
    const logical = derivedTopicOfType(event.type)!;
    byTopic.set(logical, [...(byTopic.get(logical) ?? []), event]);
  }
  const targets = [...byTopic.keys()].map((logical) => {
    const spec = deps.catalogue.topics.find((t) => t.logicalName === logical);
    if (!spec) throw userError("replay.derived_topic", `The topic catalogue has no ${logical}.`);
    return { logical, spec, topic: sideTopicName(spec.name, label) };
  });
  const admin = deps.kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = targets.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(({ spec, topic }) => ({
          topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor ?? -1,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
  } catch (cause) {
    throw externalError("replay.side_topics", `Cannot create the side topics ${targets.map((t) => t.topic).join(", ")}: ${(cause as Error).message}`, cause);
  } finally {
    await admin.disconnect();
  }
  const producer = deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const written: { topic: string; events: number }[] = [];
    for (const { logical, topic } of targets) {
      const schema = readAvroSchema(derivedFamilies[logical].avroFile);
      const subject = valueSubject(topic);
      const registration: TopicRegistration = { topic, subject, schemaId: await deps.resolver.register(subject, schema), type: avro.Type.forSchema(schema as avro.Schema, avroTypeOptions()) };
      const messages = byTopic.get(logical)!.map((event) => encodeDerivedEvent(registration, event));
      for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
      written.push({ topic, events: messages.length });
    }
    return written;
  } finally {
    await producer.disconnect();
  }
};

/** Reads the live derived topics' events (for the dry-run comparison). */
export const readLiveDerived = async (deps: AnalyzerReplayDeps, options: { signal?: AbortSignal } = {}): Promise<DerivedEvent[]> => {
  const logical = deps.catalogue.topics.filter((t) => t.role === "derived" && Object.hasOwn(derivedFamilies, t.logicalName)).map((t) => t.logicalName);
  const { partitions } = await readTopicRecords(deps, logical, options);
  return partitions.flat().map((r) => r.event as DerivedEvent);
};

export type AnalyzerReplayResult = {
  groups: string[];
  records: number;
  skipped: number;
  derived: DerivedEvent[];
  serialized: string[];
};

/** Re-derives with `groups` over every raw (and derived, if a group reads one) input topic. */
export const replayAnalyzers = async (
  deps: AnalyzerReplayDeps,
  groups: readonly AnalyzerGroup[],
  options: { signal?: AbortSignal; maxRecords?: number; onProgress?: (done: bigint, total: bigint) => void } = {},
): Promise<AnalyzerReplayResult> => {
  const inputs = [...new Set(groups.flatMap((g) => g.inputTopics))].sort();
  const { partitions, skipped } = await readTopicRecords(deps, inputs, options);
  const records = mergeByEventTime(partitions);
  const derived = rederive(groups, records);
  return { groups: groups.map((g) => g.name), records: records.length, skipped, derived, serialized: derived.map(serializeDerivedEvent) };
};
