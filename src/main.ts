import type { Kafka } from "kafkajs";
import { kafkaDeadLetterSink, type DeadLetterSink } from "./codec/deadLetterSink.ts";
import { registrySchemaResolver, type SchemaResolver } from "./codec/schemaResolver.ts";
import type { WitnessConfig } from "./config/config.ts";
import { userError } from "./errors/witnessError.ts";
import { createWitnessRoutes } from "./http/witnessRoutes.ts";
import { startHttpServer } from "./http/httpServer.ts";
import { createEventProducer, type EventProducer } from "./ingest/eventProducer.ts";
import { registerRawSchemas, type TopicRegistration } from "./ingest/schemaRegistration.ts";
import type { RawFamilyName } from "./events/families.ts";
import { createKafka } from "./kafka/kafkaClient.ts";
import type { Logger } from "./observability/logger.ts";
import type { ProjectionStore } from "./projection/duckdbStore.ts";
import { createProjector, type Projector } from "./projection/projector.ts";
import { rawProjectionName } from "./projection/rawProjection.ts";
import { removeRuntimeFile, writeRuntimeFile } from "./query/runtimeFile.ts";
import { applyTopics, type TopicsApplied } from "./topics/applyTopics.ts";
import { deadLetterTopic, readTopicCatalogue, type TopicCatalogue } from "./topics/catalogue.ts";
import { createDefaultAnalyzerGroups } from "./analyzers/defaultAnalyzerGroups.ts";
import { createAnalyzerRunner, type AnalyzerRunner } from "./analyzers/runtime/analyzerRunner.ts";
import { registerDerivedSchemas } from "./ingest/derivedSchemaRegistration.ts";
import { startClockTicker, type ClockTicker } from "./ingest/clockTicker.ts";
import { projectedTopics } from "./projection/projectedTopics.ts";
import { createAdminRoutes } from "./http/adminRoutes.ts";
import { openSwappableStore } from "./replay/swappableStore.ts";
import { createSwapper } from "./replay/swapProjection.ts";

export type Cluster = { brokers: string[]; registryUrl: string; isLocalStack: boolean };
export type Progress = (line: string) => void;

/** The configured cluster, or the Docker-free local stack when none is configured. */
export const resolveCluster = async (config: WitnessConfig, logger: Logger, onProgress: Progress = () => {}): Promise<Cluster> => {
  const { brokers } = config.kafka;
  const registryUrl = config.registry.url;
  if (brokers.length > 0 && registryUrl) return { brokers, registryUrl, isLocalStack: false };
  if (brokers.length > 0 || registryUrl) {
    throw userError("config.cluster", "Set both KAFKA_BROKERS and SCHEMA_REGISTRY_URL to use an existing cluster, or neither to use the local stack.");
  }
  onProgress("No Kafka configured: using the local stack (Apache Kafka + Apicurio Registry on this JVM).");
  // Loaded only when needed: a configured cluster never touches the local-stack code.
  const { ensureLocalStack } = await import("./stack/localStack.ts");
  const stack = await ensureLocalStack({ stackDir: config.stack.dir, logger, onProgress });
  return { brokers: stack.brokers, registryUrl: stack.registryUrl, isLocalStack: true };
};

/** Everything that talks to Kafka and the registry, without the DuckDB side. */
export type Connected = {
  cluster: Cluster;
  catalogue: TopicCatalogue;
  kafka: Kafka;
  resolver: SchemaResolver;
  registrations: Map<RawFamilyName, TopicRegistration>;
  /** Logical derived topic → its registered contract. */
  derivedRegistrations: Map<string, TopicRegistration>;
  topics: TopicsApplied;
  producer: EventProducer;
  close: () => Promise<void>;
};

export const connectWitness = async (config: WitnessConfig, logger: Logger, onProgress: Progress = () => {}): Promise<Connected> => {
  const cluster = await resolveCluster(config, logger, onProgress);
  const catalogue = readTopicCatalogue(config.topicsFile);
  const kafka = createKafka({ ...config.kafka, brokers: cluster.brokers }, logger);
  const resolver = registrySchemaResolver({ url: cluster.registryUrl, username: config.registry.username, password: config.registry.password });
  onProgress("Applying topics…");
  const topics = await applyTopics(kafka, catalogue);
  onProgress("Registering schemas (BACKWARD compatibility)…");
  const registrations = await registerRawSchemas(resolver, catalogue);
  const derivedRegistrations = await registerDerivedSchemas(resolver, catalogue);
  const producer = createEventProducer({ kafka, registrations, logger });
  return {
    cluster,
    catalogue,
    kafka,
    resolver,
    registrations,
    derivedRegistrations,
    topics,
    producer,
    close: async () => {
      await producer.close();
      resolver.close();
    },
  };
};

export type Witness = Connected & {
  store: ProjectionStore;
  projector: Projector;
  analyzers: AnalyzerRunner[];
  clock: ClockTicker | undefined;
  deadLetters: DeadLetterSink;
  httpUrl: string;
  close: () => Promise<void>;
};

/** `witness run`: one process owning the DuckDB file, running the projector and serving queries. */
export const startWitness = async (config: WitnessConfig, logger: Logger, onProgress: Progress = () => {}): Promise<Witness> => {
  const connected = await connectWitness(config, logger, onProgress);
  const store = await openSwappableStore(config.duckdb.path);
  const deadLetters = kafkaDeadLetterSink(connected.kafka, deadLetterTopic(connected.catalogue).name);
  const projector = createProjector(
    { kafka: connected.kafka, resolver: connected.resolver, store, deadLetters, logger },
    {
      projection: rawProjectionName,
      groupId: `${connected.catalogue.prefix}${config.projector.groupId}`,
      topics: projectedTopics(connected.catalogue, "all"),
    },
  );
  onProgress("Starting the projector…");
  await projector.start();
  const analyzers = config.analyzers.isEnabled
    ? createDefaultAnalyzerGroups({ tiers: { timeZoneOf: (user) => config.analyzers.userTimeZones[user] } }).map((group) =>
        createAnalyzerRunner(
          { kafka: connected.kafka, resolver: connected.resolver, catalogue: connected.catalogue, derivedRegistrations: connected.derivedRegistrations, logger },
          group,
        ),
      )
    : [];
  if (analyzers.length > 0) onProgress(`Starting ${analyzers.length} analyzer groups (heuristic backend)…`);
  for (const analyzer of analyzers) await analyzer.start();
  const clock = config.analyzers.isEnabled ? startClockTicker(connected.producer, { intervalMs: config.analyzers.tickIntervalMs, logger }) : undefined;
  const routes = {
    ...createWitnessRoutes({ store, producer: connected.producer, projector }),
    ...createAdminRoutes({ swap: createSwapper({ store, projector, projection: rawProjectionName, logger }) }),
  };
  const http = await startHttpServer(routes, { ...config.http, logger });
  writeRuntimeFile({ pid: process.pid, url: http.url, duckdbPath: store.path });
  return {
    ...connected,
    store,
    projector,
    analyzers,
    clock,
    deadLetters,
    httpUrl: http.url,
    close: async () => {
      removeRuntimeFile(store.path);
      clock?.stop();
      await http.close();
      for (const analyzer of analyzers) await analyzer.stop();
      await projector.stop();
      await deadLetters.close();
      await connected.close();
      await store.close();
    },
  };
};
