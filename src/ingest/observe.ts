import { randomUUID } from "node:crypto";
import { eventTypes } from "../events/envelope.ts";
import type { OperationData, OperationObserved } from "../events/operationObserved.ts";
import type { Logger } from "../observability/logger.ts";
import { summarize } from "./summarize.ts";

export type ObserveOptions = {
  kind?: OperationData["kind"];
  input?: unknown;
  subject?: string;
  session_id?: string;
  gen_ai?: OperationData["gen_ai"];
};

export type Observer = {
  /** Runs `call`, times it and records the outcome. The wrapped call's result or error is returned untouched. */
  observe: <T>(operation: string, call: () => Promise<T> | T, options?: ObserveOptions) => Promise<T>;
  /** Resolves when everything buffered so far was produced (or `timeoutMs` passed). */
  flush: (timeoutMs?: number) => Promise<boolean>;
  stats: () => { buffered: number; produced: number; dropped: number; failedAttempts: number };
  close: (timeoutMs?: number) => Promise<void>;
};

export type ObserverDeps = {
  publish: (events: OperationObserved[]) => Promise<void>;
  logger: Logger;
  source: string;
  project?: string;
  now?: () => Date;
  newId?: () => string;
};

export type ObserverOptions = {
  /** Bound on events waiting for the broker; the oldest are dropped (and counted) beyond it. */
  maxBufferedEvents?: number;
  maxBatchEvents?: number;
  summaryMaxChars?: number;
  flushIntervalMs?: number;
  maxRetryDelayMs?: number;
};

const errorPayloadOf = (result: unknown): unknown =>
  typeof result === "object" && result !== null && "error" in result ? (result as { error: unknown }).error : undefined;

const describe = (error: unknown): OperationData["error"] => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; status?: unknown }).code ?? (error as { status?: unknown }).status;
    return { type: error.name, message: error.message.slice(0, 2000) || error.name, code: code === undefined ? null : String(code).slice(0, 100) };
  }
  return { type: null, message: summarize(error, 2000) || "error", code: null };
};

/**
 * The observe() wrapper for TypeScript services. A success, a thrown error, or a
 * result carrying an `error` field is recorded as an operation event. Producing
 * happens in the background with a bounded buffer and backoff, so a broker outage
 * never slows down or breaks the wrapped call.
 */
export const createObserver = (deps: ObserverDeps, options: ObserverOptions = {}): Observer => {
  const { maxBufferedEvents = 10_000, maxBatchEvents = 500, summaryMaxChars = 500, flushIntervalMs = 100, maxRetryDelayMs = 5_000 } = options;
  const log = deps.logger.child({ component: "observe" });
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const buffer: OperationObserved[] = [];
  let produced = 0;
  let dropped = 0;
  let failedAttempts = 0;
  let retryDelayMs = 0;
  let draining: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let isClosed = false;

  const drain = async (): Promise<void> => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, maxBatchEvents);
      try {
        await deps.publish(batch);
        buffer.splice(0, batch.length);
        produced += batch.length;
        retryDelayMs = 0;
      } catch (error) {
        failedAttempts += 1;
        retryDelayMs = Math.min(maxRetryDelayMs, Math.max(100, retryDelayMs * 2));
        log.warn({ err: error, buffered: buffer.length, retryDelayMs }, "producing observations failed; keeping them buffered and retrying");
        return;
      }
    }
  };

  const schedule = () => {
    if (timer || isClosed) return;
    timer = setTimeout(() => {
      timer = undefined;
      draining ??= drain().finally(() => {
        draining = undefined;
        if (buffer.length > 0) schedule();
      });
    }, retryDelayMs || flushIntervalMs);
    timer.unref();
  };

  const enqueue = (event: OperationObserved) => {
    buffer.push(event);
    if (buffer.length > maxBufferedEvents) {
      buffer.shift();
      dropped += 1;
      if (dropped === 1 || dropped % 1000 === 0) log.error({ dropped, maxBufferedEvents }, "observation buffer full: dropping the oldest observations");
    }
    schedule();
  };

  const record = (operation: string, options: ObserveOptions, startedAt: Date, durationMs: number, output: unknown, error: OperationData["error"]) => {
    enqueue({
      id: newId(),
      type: eventTypes.operationObserved,
      source: deps.source,
      subject: options.subject ?? operation,
      time: startedAt.toISOString(),
      specversion: "1.0",
      data: {
        operation,
        kind: options.kind ?? "endpoint",
        input_summary: options.input === undefined ? "" : summarize(options.input, summaryMaxChars),
        output_summary: output === undefined ? null : summarize(output, summaryMaxChars),
        success: error === null,
        duration_ms: Math.max(0, durationMs),
        error,
        project: deps.project ?? null,
        session_id: options.session_id ?? null,
        gen_ai: options.gen_ai ?? null,
      },
    });
  };

  const flush = async (timeoutMs = 10_000): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (buffer.length > 0 && Date.now() < deadline) {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      draining ??= drain().finally(() => (draining = undefined));
      await draining;
      if (buffer.length > 0) await new Promise((r) => setTimeout(r, Math.min(retryDelayMs || 50, Math.max(0, deadline - Date.now()))));
    }
    return buffer.length === 0;
  };

  return {
    observe: async (operation, call, options = {}) => {
      const startedAt = now();
      const t0 = performance.now();
      let result: Awaited<ReturnType<typeof call>>;
      try {
        result = await call();
      } catch (error) {
        try {
          record(operation, options, startedAt, performance.now() - t0, undefined, describe(error));
        } catch (recordError) {
          log.error({ err: recordError }, "could not record an observation");
        }
        throw error;
      }
      try {
        const errorPayload = errorPayloadOf(result);
        record(operation, options, startedAt, performance.now() - t0, result, errorPayload ? describe(errorPayload) : null);
      } catch (recordError) {
        log.error({ err: recordError }, "could not record an observation");
      }
      return result;
    },
    flush,
    stats: () => ({ buffered: buffer.length, produced, dropped, failedAttempts }),
    close: async (timeoutMs = 10_000) => {
      const isFlushed = await flush(timeoutMs);
      isClosed = true;
      if (timer) clearTimeout(timer);
      if (!isFlushed) log.error({ lost: buffer.length }, "closing with observations that the broker never acknowledged");
    },
  };
};
