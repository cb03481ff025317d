/**
 * Replay progress: a bar with records/s and ETA redrawn in place on a
 * terminal, plain periodic lines otherwise (logs, CI, pipes). Rendering is a
 * pure function of the counts; the reporter only decides when to write.
 */

export type ProgressCounts = {
  /** Offsets behind the reader (records, ticks, poison and transaction markers alike). */
  done: bigint;
  total: bigint;
  elapsedMs: number;
};

export type ProgressTerminal = { isTty: boolean; columns: number };

const clear = "\r\x1b[K";

const formatCount = (n: bigint): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export const formatDuration = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
};

/** Records per second so far; 0 until a full second or any record has gone by. */
export const ratePerSecond = ({ done, elapsedMs }: ProgressCounts): number => (elapsedMs <= 0 ? 0 : (Number(done) * 1000) / elapsedMs);

/** Remaining time at the rate so far; undefined while the rate is unknown. */
export const etaMs = (counts: ProgressCounts): number | undefined => {
  const rate = ratePerSecond(counts);
  if (counts.done >= counts.total) return 0;
  return rate > 0 ? (Number(counts.total - counts.done) / rate) * 1000 : undefined;
};

const percentOf = ({ done, total }: ProgressCounts): number => (total === 0n ? 100 : Math.min(100, Math.floor(Number((done * 1000n) / total) / 10)));

/**
 * What to write for one progress update. On a TTY: carriage return, clear the
 * line, a bar sized to the terminal; the final update ends the line. Otherwise
 * one self-contained line per update.
 */
export const renderProgress = (counts: ProgressCounts, terminal: ProgressTerminal, isFinal = false): string => {
  const percent = percentOf(counts);
  const rate = Math.round(ratePerSecond(counts));
  const eta = etaMs(counts);
  const etaText = isFinal ? `took ${formatDuration(counts.elapsedMs)}` : `ETA ${eta === undefined ? "--:--" : formatDuration(eta)}`;
  const figures = `${formatCount(counts.done)}/${formatCount(counts.total)} records · ${formatCount(BigInt(rate))} records/s · ${etaText}`;
  if (!terminal.isTty) return `replay: ${percent}% ${figures}\n`;
  const label = `${String(percent).padStart(3)}% `;
  const barWidth = Math.max(10, Math.min(40, terminal.columns - label.length - figures.length - 4));
  const filled = Math.round((barWidth * percent) / 100);
  const line = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${label}${figures}`;
  return `${clear}${line.slice(0, Math.max(1, terminal.columns - 1))}${isFinal ? "\n" : ""}`;
};

export type ProgressStream = { write: (text: string) => unknown; isTTY?: boolean; columns?: number };

export type ProgressReporter = { update: (done: bigint, total: bigint) => void; finish: () => void };

/**
 * Writes progress to `stream`: at most every `ttyIntervalMs` on a terminal,
 * every `lineIntervalMs` otherwise, always once at the start and once at the end.
 */
export const createProgressReporter = (
  stream: ProgressStream,
  options: { now?: () => number; ttyIntervalMs?: number; lineIntervalMs?: number } = {},
): ProgressReporter => {
  const now = options.now ?? (() => Date.now());
  // A pseudo-terminal may report 0 columns: take the usual 80 then.
  const terminal: ProgressTerminal = { isTty: stream.isTTY === true, columns: stream.columns || 80 };
  const intervalMs = terminal.isTty ? (options.ttyIntervalMs ?? 100) : (options.lineIntervalMs ?? 2_000);
  const startedAt = now();
  let last: ProgressCounts = { done: 0n, total: 0n, elapsedMs: 0 };
  let writtenAt: number | undefined;
  let isFinished = false;
  return {
    update: (done, total) => {
      if (isFinished) return;
      const at = now();
      last = { done, total, elapsedMs: at - startedAt };
      if (writtenAt !== undefined && at - writtenAt < intervalMs) return;
      writtenAt = at;
      stream.write(renderProgress(last, terminal));
    },
    finish: () => {
      if (isFinished) return;
      isFinished = true;
      stream.write(renderProgress({ ...last, elapsedMs: now() - startedAt }, terminal, true));
    },
  };
};
