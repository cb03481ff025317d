import type { Logger } from "../observability/logger.ts";
import type { EventProducer } from "./eventProducer.ts";

export type ClockTicker = { tick: (time: Date) => Promise<void>; stop: () => void };

export const clockSource = "witness/clock";

/** A tick's id names its partition and instant, so a re-sent tick is recognisably the same one. */
export const tickId = (topic: string, partition: number, time: string): string => `tick:${topic}/${partition}@${time}`;

/**
 * Time is an event too: every `intervalMs` the running system writes the wall
 * clock into every raw partition. Analyzers read only event time; ticks make
 * quiet keys' windows close on schedule, and a replay closes them at the same ticks.
 */
export const startClockTicker = (producer: EventProducer, options: { intervalMs: number; logger: Logger; now?: () => Date }): ClockTicker => {
  const log = options.logger.child({ component: "clock" });
  const now = options.now ?? (() => new Date());
  const tick = async (time: Date) => {
    const iso = time.toISOString();
    await producer.publishTicks(iso, clockSource, (topic, partition) => tickId(topic, partition, iso));
  };
  let isTicking = false;
  const timer = setInterval(() => {
    if (isTicking) return; // a slow broker must not pile up ticks
    isTicking = true;
    tick(now())
      .catch((error: unknown) => log.warn({ err: error }, "could not write a clock tick; the next one will try again"))
      .finally(() => (isTicking = false));
  }, options.intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
};
