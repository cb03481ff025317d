import { Kafka, logLevel, type LogEntry, type SASLOptions } from "kafkajs";
import type { WitnessConfig } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";

const pinoLevelOf = (level: logLevel): "error" | "warn" | "info" | "debug" =>
  level === logLevel.ERROR || level === logLevel.NOTHING ? "error" : level === logLevel.WARN ? "warn" : level === logLevel.INFO ? "info" : "debug";

/**
 * kafkajs logs through pino. Its own retriable-error chatter (coordinator
 * loading, concurrent transactions) is logged at ERROR by kafkajs although it
 * retries them; we keep those at debug so a healthy run reads clean.
 */
const logCreator = (logger: Logger) => () => ({ namespace, level, log }: LogEntry) => {
  const { message, ...fields } = log;
  // kafkajs says it will retry by attaching retryTime; the final failure still reaches the caller as an error.
  const isRetried = typeof fields.retryTime === "number" || (typeof fields.error === "string" && /coordinator is (loading|not available)|concurrent operation|leader/i.test(fields.error));
  // Producers bound their retries on purpose (a send must fail in bounded time); kafkajs warns about that on every connect.
  const isKnownChoice = typeof message === "string" && message.startsWith("Limiting retries for the idempotent producer");
  const pinoLevel = isRetried || isKnownChoice ? "debug" : pinoLevelOf(level);
  logger[pinoLevel]({ kafkajs: namespace, ...fields }, message);
};

export type KafkaConnection = { brokers: string[]; clientId: string; ssl?: boolean; sasl?: WitnessConfig["kafka"]["sasl"] };

export const createKafka = (connection: KafkaConnection, logger: Logger): Kafka => {
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl as SASLOptions | undefined,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: logCreator(logger.child({ component: "kafkajs" })),
  });
};
