/**
 * The versions the local stack runs. Kafka is the newest 4.x verified against
 * kafkajs (consumer groups, idempotent producer, transactions with
 * sendOffsets) by `scripts/verify-kafka-compat.ts`; the matrix is in
 * `scripts/stack/VERSION-MATRIX.md`. Change a version here only after
 * re-running that script.
 */
export const kafkaVersion = "4.4.0";
export const kafkaScalaVersion = "2.13";
/** Kafka logs through slf4j 1.7; this log4j2 binding (and log4j-core) is pinned so Kafka writes a log file. */
export const kafkaLog4jVersion = "2.25.5";
/** Kafka 4.x brokers need Java 17 or newer. */
export const kafkaMinimumJava = 17;

export type RegistryRelease = {
  version: string;
  minimumJava: number;
};

/**
 * Apicurio Registry releases in order of preference. 3.3.x is built for
 * Java 21; 3.0.x still runs on Java 17, so a machine with only Java 17 gets a
 * working (older) registry instead of no registry.
 */
export const registryReleases: readonly RegistryRelease[] = [
  { version: "3.3.3", minimumJava: 21 },
  { version: "3.0.9", minimumJava: 17 },
];
