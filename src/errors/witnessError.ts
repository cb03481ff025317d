/**
 * One error hierarchy for Witness. Retry decisions are made from `retriable`,
 * never from message text; `domain` says whose fault it is.
 */
export type ErrorDomain = "user" | "external" | "internal";

export type WitnessErrorOptions = {
  code: string;
  domain: ErrorDomain;
  retriable?: boolean;
  cause?: unknown;
};

export class WitnessError extends Error {
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly retriable: boolean;

  constructor(message: string, options: WitnessErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "WitnessError";
    this.code = options.code;
    this.domain = options.domain;
    this.retriable = options.retriable ?? false;
  }
}

export const isWitnessError = (error: unknown): error is WitnessError => error instanceof WitnessError;

/** Bad input from a user or producer: fix the input, retrying will not help. */
export const userError = (code: string, message: string, cause?: unknown): WitnessError =>
  new WitnessError(message, { code, domain: "user", retriable: false, cause });

/** A dependency (broker, registry, LLM) failed: usually worth retrying. */
export const externalError = (code: string, message: string, cause?: unknown, retriable = true): WitnessError =>
  new WitnessError(message, { code, domain: "external", retriable, cause });

/** A bug or broken invariant in Witness itself. */
export const internalError = (code: string, message: string, cause?: unknown): WitnessError =>
  new WitnessError(message, { code, domain: "internal", retriable: false, cause });

export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
