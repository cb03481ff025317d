import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findMarkedProcesses, isMarkedProcess, isProcessAlive, spawnDetached, stopProcess } from "./processes.ts";

const marker = `--witness-test-marker=${process.pid}-${Date.now()}`;
const dir = mkdtempSync(join(tmpdir(), "witness-processes-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A detached node process that lives until signalled; `ignoreTerm` makes it ignore SIGTERM. */
const startSleeper = async (ignoreTerm = false) => {
  const outputFile = join(dir, `sleeper-${randomUUID()}.out`);
  const sleeper = await spawnDetached({
    command: process.execPath,
    // After `--` the marker is an argument of the script, not an option of node.
    args: ["-e", `${ignoreTerm ? "process.on('SIGTERM', () => console.log('ignored'));" : ""} console.log('up'); setInterval(() => {}, 1000);`, "--", marker],
    cwd: dir,
    outputFile,
  });
  while (!readFileSync(outputFile, "utf8").includes("up")) await new Promise((r) => setTimeout(r, 20));
  return sleeper;
};

describe("detached processes", () => {
  it("recognises a process by the marker on its command line, and not without it", async () => {
    const sleeper = await startSleeper();
    try {
      assert.equal(isProcessAlive(sleeper.pid), true);
      assert.equal(isMarkedProcess(sleeper.pid, marker), true);
      assert.equal(isMarkedProcess(sleeper.pid, "--some-other-stack"), false);
    } finally {
      await stopProcess(sleeper.pid, marker, 5_000);
    }
  });

  it("refuses to signal a process without the marker", async () => {
    const sleeper = await startSleeper();
    try {
      assert.equal(await stopProcess(sleeper.pid, "--some-other-stack", 1_000), "not-running");
      assert.equal(isProcessAlive(sleeper.pid), true);
    } finally {
      await stopProcess(sleeper.pid, marker, 5_000);
    }
  });

  it("finds running processes by their marker alone", async () => {
    const sleeper = await startSleeper();
    try {
      assert.deepEqual(findMarkedProcesses(marker), [sleeper.pid]);
      assert.deepEqual(findMarkedProcesses("--no-such-marker"), []);
    } finally {
      await stopProcess(sleeper.pid, marker, 5_000);
    }
  });

  it("stops a process with SIGTERM and reports when it ended", async () => {
    const sleeper = await startSleeper();
    assert.equal(await stopProcess(sleeper.pid, marker, 5_000), "terminated");
    assert.equal(isProcessAlive(sleeper.pid), false);
    assert.equal(await sleeper.exited, "SIGTERM");
  });

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    const sleeper = await startSleeper(true);
    assert.equal(await stopProcess(sleeper.pid, marker, 800), "killed");
    assert.equal(isProcessAlive(sleeper.pid), false);
  });

  it("writes the process output to the given file", async () => {
    const outputFile = join(dir, "hello.out");
    const child = await spawnDetached({ command: process.execPath, args: ["-e", "console.log('hello'); console.error('oops')"], cwd: dir, outputFile });
    await child.exited;
    assert.equal(readFileSync(outputFile, "utf8"), "hello\noops\n");
  });

  it("says a recorded pid that no longer exists is not running", async () => {
    const child = await spawnDetached({ command: process.execPath, args: ["-e", "0", "--", marker], cwd: dir, outputFile: join(dir, "done.out") });
    await child.exited;
    assert.equal(isProcessAlive(child.pid), false);
    assert.equal(await stopProcess(child.pid, marker), "not-running");
  });
});
