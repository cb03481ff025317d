import { externalError } from "../../src/errors/witnessError.ts";
import { allocatePorts } from "../../src/stack/freePorts.ts";
import { registryApiUrl } from "../../src/stack/registryConfig.ts";
import { kafkaVersion, registryReleases } from "../../src/stack/stackVersions.ts";

export const kafkaImage = `apache/kafka:${kafkaVersion}`;
export const registryImage = `apicurio/apicurio-registry:${registryReleases[0]!.version}`;

/** Port of the listener advertised to clients on the host; the broker's self-connections use BROKER on 9094. */
export const kafkaContainerClientPort = 9092;

/**
 * Environment of a single-node KRaft `apache/kafka` container. Three
 * listeners: PLAINTEXT for clients outside (advertised at the host address
 * and host port they reach it by), BROKER for the broker's own connections
 * (transaction markers go through the inter-broker listener), CONTROLLER for
 * KRaft. Everything that defaults to three replicas is one.
 */
export const kafkaContainerEnvironment = (advertisedHost: string, advertisedPort: number): Record<string, string> => ({
  KAFKA_NODE_ID: "1",
  KAFKA_PROCESS_ROLES: "broker,controller",
  KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
  KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaContainerClientPort},BROKER://0.0.0.0:9094,CONTROLLER://0.0.0.0:9093`,
  KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${advertisedHost}:${advertisedPort},BROKER://localhost:9094`,
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
  KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
  KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
  KAFKA_MIN_INSYNC_REPLICAS: "1",
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "1",
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "1",
  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
});

export type ContainerStack = { brokers: string[]; registryUrl: string; stop: () => Promise<void> };

/**
 * Kafka and Apicurio Registry in containers. Kafka must advertise the address
 * clients use, which is only known after start with a random port; so we pick
 * a free host port first and bind it explicitly.
 */
export const startContainerStack = async (): Promise<ContainerStack> => {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import("testcontainers");
  const runtime = await getContainerRuntimeClient();
  const host = runtime.info.containerRuntime.host;
  const { kafkaPort } = await allocatePorts("0.0.0.0", ["kafkaPort"]);
  const [kafkaStarted, registryStarted] = await Promise.allSettled([
    new GenericContainer(kafkaImage)
      .withEnvironment(kafkaContainerEnvironment(host, kafkaPort))
      .withExposedPorts({ container: kafkaContainerClientPort, host: kafkaPort })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(180_000)
      .start(),
    new GenericContainer(registryImage)
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp("/apis/ccompat/v7/subjects", 8080).forStatusCode(200))
      .withStartupTimeout(180_000)
      .start(),
  ]);
  if (kafkaStarted.status === "rejected" || registryStarted.status === "rejected") {
    // Stop the half that started instead of leaving it to the reaper.
    await Promise.all([kafkaStarted, registryStarted].map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    throw externalError("harness.containers", `Could not start ${kafkaImage} and ${registryImage} with testcontainers; check that the Docker engine can pull them, or set WITNESS_TEST_STACK=local.`, kafkaStarted.status === "rejected" ? kafkaStarted.reason : (registryStarted as PromiseRejectedResult).reason);
  }
  const kafka = kafkaStarted.value;
  const registry = registryStarted.value;
  return {
    brokers: [`${host}:${kafkaPort}`],
    registryUrl: registryApiUrl(registry.getHost(), registry.getMappedPort(8080)),
    stop: async () => {
      await Promise.all([kafka.stop(), registry.stop()]);
    },
  };
};
