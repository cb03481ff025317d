export type TestCounts = { passed: number; failed: number; skipped: number };

export const noTests: TestCounts = { passed: 0, failed: 0, skipped: 0 };

/**
 * Reads the totals node's TAP reporter writes at the end of a run
 * (`# pass 12`, `# fail 1`, `# cancelled 0`, `# skipped 2`, `# todo 0`).
 * Cancelled tests (timeouts, a file that crashed) count as failed; todo as skipped.
 */
export const parseTapSummary = (tap: string): TestCounts => {
  const total = (name: string): number => {
    const matches = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, "gm"))];
    return matches.length === 0 ? 0 : Number(matches.at(-1)![1]);
  };
  return { passed: total("pass"), failed: total("fail") + total("cancelled"), skipped: total("skipped") + total("todo") };
};

export const addCounts = (a: TestCounts, b: TestCounts): TestCounts => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
});

/** The last line of `npm test`: `N passed, N failed`, plus `, N skipped` when any were. */
export const formatCounts = ({ passed, failed, skipped }: TestCounts): string =>
  `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
