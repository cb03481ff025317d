import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProgressReporter, renderProgress } from "./progress.ts";

const stripAnsi = (text: string): string => text.replace(/\r|\x1b\[K/g, "");

describe("replay progress", () => {
  it("draws a bar with percent, records/s and ETA in place on a terminal", () => {
    const out = renderProgress({ done: 2_500n, total: 10_000n, elapsedMs: 5_000 }, { isTty: true, columns: 100 });
    assert.ok(out.startsWith("\r\x1b[K"), "returns to the start of the line and clears it");
    assert.ok(!out.endsWith("\n"), "stays on the line until the end");
    assert.equal(stripAnsi(out), "[##########------------------------------]  25% 2,500/10,000 records · 500 records/s · ETA 0:15");
  });

  it("fits the bar into a narrow terminal and never writes past its last column", () => {
    const out = stripAnsi(renderProgress({ done: 1n, total: 3n, elapsedMs: 1_000 }, { isTty: true, columns: 50 }));
    assert.ok(out.length <= 49, `${out.length} characters`);
    assert.match(out, /^\[#{3}-{7}\]/, "the bar shrinks to its minimum of 10 cells");
  });

  it("ends the terminal line with the total time on the final update", () => {
    const out = renderProgress({ done: 10_000n, total: 10_000n, elapsedMs: 65_000 }, { isTty: true, columns: 120 }, true);
    assert.ok(out.endsWith("\n"));
    assert.match(stripAnsi(out), /\[#{40}\] 100% 10,000\/10,000 records · 154 records\/s · took 1:05\n$/);
  });

  it("writes one plain line per update when the output is not a terminal", () => {
    const out = renderProgress({ done: 2_500n, total: 10_000n, elapsedMs: 5_000 }, { isTty: false, columns: 0 });
    assert.equal(out, "replay: 25% 2,500/10,000 records · 500 records/s · ETA 0:15\n");
    assert.doesNotMatch(out, /[\r\x1b]/);
  });

  it("shows an unknown ETA before any record is read, and 100% for nothing to read", () => {
    assert.equal(renderProgress({ done: 0n, total: 5n, elapsedMs: 0 }, { isTty: false, columns: 0 }), "replay: 0% 0/5 records · 0 records/s · ETA --:--\n");
    assert.equal(renderProgress({ done: 0n, total: 0n, elapsedMs: 10 }, { isTty: false, columns: 0 }), "replay: 100% 0/0 records · 0 records/s · ETA 0:00\n");
  });

  it("redraws a terminal at most every 100 ms and prints lines every 2 s otherwise, always the first and the last", () => {
    let clock = 0;
    const writes = (isTTY: boolean) => {
      const written: string[] = [];
      const reporter = createProgressReporter({ write: (t: string) => written.push(t), isTTY, columns: 80 }, { now: () => clock });
      clock = 0;
      for (let ms = 0; ms <= 5_000; ms += 50) {
        clock = ms;
        reporter.update(BigInt(ms), 5_000n);
      }
      reporter.finish();
      return written;
    };
    const tty = writes(true);
    assert.equal(tty.length, 52, "51 redraws over 5 s and the final one");
    assert.ok(tty.every((w) => w.startsWith("\r\x1b[K")));
    assert.ok(tty.at(-1)!.endsWith("\n"));
    const lines = writes(false);
    assert.deepEqual(
      lines.map((l) => l.split(" ")[1]),
      ["0%", "40%", "80%", "100%"],
      "the first update, every 2 s, and the final line",
    );
    assert.ok(lines.every((l) => l.endsWith("\n") && !l.includes("\r")));
  });
});
