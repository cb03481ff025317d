import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

export type LoggerOptions = {
  level: string;
  /** Tests inject a stream and assert on what was written. */
  destination?: DestinationStream;
};

/** The root logger; components take `logger.child({ component })`. */
export const createLogger = ({ level, destination }: LoggerOptions): Logger =>
  pino(
    {
      level,
      base: { service: "witness" },
      redact: { paths: ["*.password", "*.apiKey", "*.authorization", "headers.authorization"], censor: "[redacted]" },
    },
    destination ?? pino.destination(2),
  );
