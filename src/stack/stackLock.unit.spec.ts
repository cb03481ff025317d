import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isWitnessError } from "../errors/witnessError.ts";
import { withStackLock } from "./stackLock.ts";

const dir = mkdtempSync(join(tmpdir(), "witness-lock-"));
let lockCount = 0;
const lockPath = () => join(dir, `stack-${++lockCount}.lock`);
after(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("stack lock", () => {
  it("lets one holder work at a time, and the next one in when it is done", async () => {
    const path = lockPath();
    const events: string[] = [];
    const first = withStackLock(path, { timeoutMs: 5_000 }, async () => {
      events.push("first in");
      await sleep(300);
      events.push("first out");
    });
    await sleep(50);
    const second = withStackLock(path, { timeoutMs: 5_000 }, async () => {
      events.push("second in");
    });
    await Promise.all([first, second]);
    assert.deepEqual(events, ["first in", "first out", "second in"]);
    assert.equal(existsSync(path), false);
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const path = lockPath();
    const { pid } = spawnSync(process.execPath, ["-e", "0"]);
    writeFileSync(path, `${pid}\n`);
    assert.equal(await withStackLock(path, { timeoutMs: 2_000 }, async () => "worked"), "worked");
  });

  it("tells the caller who holds the lock, and gives up after the timeout saying what to do", async () => {
    const path = lockPath();
    writeFileSync(path, `${process.pid}\n`); // held by a live process: this one
    const waitedFor: number[] = [];
    await assert.rejects(
      withStackLock(path, { timeoutMs: 600, onWait: (pid) => waitedFor.push(pid) }, async () => "never"),
      (error: unknown) => isWitnessError(error) && error.code === "stack.lock-timeout" && /delete the lock file/.test(error.message),
    );
    assert.deepEqual(waitedFor, [process.pid]);
  });

  it("releases the lock when the work fails", async () => {
    const path = lockPath();
    await assert.rejects(withStackLock(path, { timeoutMs: 1_000 }, async () => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(existsSync(path), false);
  });
});
