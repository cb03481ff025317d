import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { validateRawEvent } from "../ingest/eventProducer.ts";
import { connectWitness } from "../main.ts";
import type { Command } from "./command.ts";

export type LineProblem = { line: number; message: string };

/** Reads JSON Lines, validating each line; invalid lines are reported by number, valid ones are kept. */
export const readEventLines = async (path: string): Promise<{ events: unknown[]; problems: LineProblem[] }> => {
  const events: unknown[] = [];
  const problems: LineProblem[] = [];
  let line = 0;
  for await (const text of createInterface({ input: path === "-" ? process.stdin : createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === "") continue;
    try {
      events.push(validateRawEvent(JSON.parse(text)).event);
    } catch (error) {
      problems.push({ line, message: (error as Error).message });
    }
  }
  return { events, problems };
};

export const produceCommand: Command = {
  name: "produce",
  summary: "validate, encode and produce events from a JSON Lines file",
  usage: "witness produce --file events.jsonl [--strict]   (--strict: produce nothing if any line is invalid)",
  run: async (args, { config, logger, stdout, stderr }) => {
    const { values } = parseArgs({ args, options: { file: { type: "string" }, strict: { type: "boolean", default: false }, "batch-size": { type: "string", default: "1000" } } });
    if (!values.file) {
      stderr.write(`${produceCommand.usage}\n`);
      return 2;
    }
    const { events, problems } = await readEventLines(values.file);
    for (const p of problems) stderr.write(`${values.file}:${p.line}: ${p.message}\n`);
    if (values.strict && problems.length > 0) {
      stderr.write(`${problems.length} invalid line(s); nothing produced (--strict).\n`);
      return 2;
    }
    const connected = await connectWitness(config, logger, (line) => stderr.write(`${line}\n`));
    try {
      const batchSize = Math.max(1, Number(values["batch-size"]));
      for (let i = 0; i < events.length; i += batchSize) await connected.producer.publish(events.slice(i, i + batchSize));
      stdout.write(`produced ${events.length} event(s); ${problems.length} invalid line(s) skipped\n`);
      return problems.length > 0 ? 1 : 0;
    } finally {
      await connected.close();
    }
  },
};
