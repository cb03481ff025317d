import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { connectWitness, type Connected } from "../../src/main.ts";
import { isolatedWitness, quietLogger, repoRoot, type IsolatedWitness } from "../support/isolatedWitness.ts";
import { poisonMessages, sendRaw } from "../support/replaySupport.ts";
import { sampleOperation } from "../support/sampleEvents.ts";

const run = promisify(execFile);
const cli = join(repoRoot, "src/cli/witness.ts");
const shellQuote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
const progressLine = /^replay: \d{1,3}% [\d,]+\/[\d,]+ records · [\d,]+ records\/s · (ETA [\d:-]+|took \d+:\d\d)$/;

describe("witness replay on the command line", () => {
  let iso: IsolatedWitness;
  let connected: Connected;

  before(async () => {
    iso = isolatedWitness("replay-cli");
    connected = await connectWitness(iso.config, quietLogger());
    for (let i = 0; i < 8; i++) await connected.producer.publish(Array.from({ length: 1_000 }, (_, k) => sampleOperation(i * 1_000 + k, "cli")));
    const operations = connected.registrations.get("operation")!;
    await sendRaw(connected.kafka, operations.topic, poisonMessages(operations, 9, "cli"));
  });
  after(async () => {
    await connected?.close();
  });

  it("prints plain progress lines when stdout is not a terminal, then the verification and checksums", async () => {
    const out = join(iso.dir, "piped.duckdb");
    const { stdout } = await run(process.execPath, [cli, "replay", "--projection", "raw", "--out", out], { env: { ...process.env, ...iso.env }, cwd: repoRoot });
    assert.doesNotMatch(stdout, /[\r\x1b]/, "no carriage returns or escape codes in a pipe");
    const progress = stdout.split("\n").filter((l) => l.startsWith("replay: "));
    assert.ok(progress.length >= 2, stdout);
    for (const line of progress) assert.match(line, progressLine);
    assert.match(progress[0]!, /^replay: 0% 0\//, "the first line before any record");
    assert.match(progress.at(-1)!, /^replay: 100% [\d,]+\/[\d,]+ records · .* took /, "the last line at the end");
    assert.match(stdout, /Checksum per table/);
    assert.match(stdout, /^operations\s+8000\s+[0-9a-f]{16}$/m);
    assert.match(stdout, /^dead_letters\s+9\s+[0-9a-f]{16}$/m);
    assert.match(stdout, /Verified; manifest written/);
    assert.ok(existsSync(`${out}.replay.json`));

    const verified = await run(process.execPath, [cli, "replay", "--verify-only", "--out", out], { env: { ...process.env, ...iso.env }, cwd: repoRoot });
    assert.match(verified.stdout, /^operations\s+8000\s+[0-9a-f]{16}$/m);
    assert.match(verified.stdout, /Verified\.$/m);
  });

  it("draws a progress bar in place when stdout is a terminal", async (t) => {
    const hasScript = await run("script", ["--version"]).then(() => true, () => false);
    if (!hasScript) return t.skip("util-linux `script` is needed to give the child a pseudo-terminal");
    const out = join(iso.dir, "tty.duckdb");
    const command = `stty cols 120; ${[process.execPath, cli, "replay", "--projection", "raw", "--out", out].map(shellQuote).join(" ")}`;
    const { stdout } = await run("script", ["-qfec", command, "/dev/null"], { env: { ...process.env, ...iso.env }, cwd: repoRoot });
    const redraws = stdout.split("\r\x1b[K").slice(1);
    assert.ok(redraws.length >= 2, JSON.stringify(stdout.slice(0, 500)));
    for (const redraw of redraws.slice(0, -1)) assert.match(redraw, /^\[[#-]{10,40}\] {1,3}\d{1,3}% [\d,]+\/[\d,]+ records · [\d,]+ records\/s · ETA [\d:-]+$/);
    assert.match(redraws.at(-1)!, /^\[#+\] 100% [\d,]+\/[\d,]+ records · [\d,]+ records\/s · took \d+:\d\d\r?\n/, "the final redraw ends the line");
    assert.doesNotMatch(stdout, /^replay: /m, "no plain lines on a terminal");
    assert.match(stdout, /Verified; manifest written/);
  });
});
