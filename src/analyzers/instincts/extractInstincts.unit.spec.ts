import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InstinctData } from "../../events/derived/instinct.ts";
import { type ScriptStep, scriptSession, toSourced } from "../../testing/sessionScript.ts";
import { dayMs, hourMs } from "../../windows/windowSpec.ts";
import type { DerivedItem } from "../analyzer.ts";
import { extractInstincts } from "./extractInstincts.ts";

const t0 = Date.parse("2025-03-24T09:00:00Z");
const until = t0 + 2 * dayMs;

const session = (n: number, steps: ScriptStep[], project = "shop") =>
  scriptSession({ sessionId: `s${n}`, project, userId: "ada", startMs: t0 + n * hourMs }, steps);

const extract = (sessions: ReturnType<typeof session>[], timing: { untilMs: number; freshSinceMs?: number } = { untilMs: until }) => extractInstincts(toSourced(sessions.flat()), timing);
const dataOf = (item: DerivedItem) => item.data as InstinctData;

const flakyJest = (retryOk = true): ScriptStep[] => [
  { user: "run the test suite" },
  { call: "bash", input: "npm test" },
  { outcome: "bash", ok: false, error: "Jest worker exceeded timeout of 5000ms" },
  { call: "bash", input: "npm test -- --runInBand" },
  { outcome: "bash", ok: retryOk },
];

describe("failure followed by a changed retry", () => {
  it("becomes an instinct once it worked in two sessions", () => {
    assert.deepEqual(extract([session(1, flakyJest())]), []);
    const [item, ...rest] = extract([session(1, flakyJest()), session(2, flakyJest())]);
    assert.equal(rest.length, 0);
    const data = dataOf(item!);
    assert.equal(data.pattern, "failure_retry");
    assert.equal(data.trigger, "bash fails with: jest worker exceeded timeout of <n>");
    assert.equal(data.action, 'retry bash adding "-- --runInBand"');
    assert.equal(data.observation_count, 2);
    assert.equal(data.confidence, 0.3);
    assert.equal(data.domain, "testing");
    assert.ok(data.trigger.length <= 80 && data.action.length <= 120);
    assert.ok(data.observation_ids.includes("s1-2") && data.observation_ids.includes("s2-4"));
  });

  it("ignores a retry with the same input", () => {
    const unchanged: ScriptStep[] = [
      { call: "bash", input: "npm test" },
      { outcome: "bash", ok: false, error: "boom" },
      { call: "bash", input: "npm test" },
      { outcome: "bash", ok: true },
    ];
    assert.deepEqual(extract([session(1, unchanged), session(2, unchanged)]), []);
  });

  it("counts the same change failing again as a contradiction", () => {
    const [item] = extract([session(1, flakyJest()), session(2, flakyJest()), session(3, flakyJest(false))]);
    assert.equal(dataOf(item!).contradiction_count, 1);
    assert.equal(dataOf(item!).confidence, 0.2);
    assert.equal(dataOf(item!).confidence_history.at(-1)!.reason, "contradicted");
    assert.ok(dataOf(item!).confidence_history.at(-1)!.evidence.some((c) => c.event_id === "s3-4" && c.offset !== null));
  });
});

describe("user correction followed by a change of behaviour", () => {
  it("learns what to do instead of what the agent did", () => {
    const [item] = extract([
      session(1, [
        { user: "add lodash" },
        { call: "bash", input: "npm install lodash" },
        { outcome: "bash", ok: true },
        { user: "no, we use pnpm in this repo" },
        { call: "bash", input: "pnpm add lodash" },
        { outcome: "bash", ok: true },
      ]),
    ]);
    const data = dataOf(item!);
    assert.equal(data.pattern, "user_correction");
    assert.equal(data.action, 'use "pnpm add" instead of "npm install"');
    assert.equal(data.trigger, 'when about to run "npm install" with bash');
    assert.equal(data.domain, "workflow");
    assert.match(data.evidence_excerpts[0]!, /we use pnpm/);
  });
});

describe("explicit rules", () => {
  const said = (n: number, text: string, project = "shop") => session(n, [{ user: text }, { assistant: "Understood." }], project);

  it("reads always / never / don't / prefer … over … with their trigger", () => {
    const items = extract([
      said(1, "Always run the linter before committing."),
      said(2, "Please never push directly to main"),
      said(3, "Prefer ripgrep over grep when searching."),
    ]);
    const byAction = Object.fromEntries(items.map((i) => [dataOf(i).action, dataOf(i)]));
    assert.deepEqual(Object.keys(byAction).sort(), ["always run the linter", "never push directly to main", "prefer ripgrep over grep"]);
    assert.equal(byAction["always run the linter"]!.trigger, "before committing");
    assert.equal(byAction["always run the linter"]!.domain, "code-style");
    assert.equal(byAction["never push directly to main"]!.domain, "git");
    assert.equal(byAction["prefer ripgrep over grep"]!.trigger, "when searching");
  });

  it("does not take a statement, a one-off or an idiom for a rule", () => {
    for (const text of ["I don't understand why this fails. Can you always explain?", "Don't worry about the docs for now.", "Never mind, that's fine.", "Don't touch the README this time."]) {
      assert.equal(extract([said(1, text)]).length, 0, text);
    }
  });

  it("merges near-duplicate wordings into one instinct with both observations", () => {
    const items = extract([said(1, "Always run the linter before committing."), said(2, "remember: always run lint before you commit")]);
    assert.equal(items.length, 1);
    assert.equal(dataOf(items[0]!).observation_count, 2);
  });

  it("keeps different rules apart", () => {
    assert.equal(extract([said(1, "Always run the linter before committing."), said(2, "Always run the tests before committing.")]).length, 2);
  });

  it("treats the opposite rule as a contradiction", () => {
    const items = extract([said(1, "Always squash commits before merging."), said(2, "Never squash commits before merging.")]);
    const always = items.map(dataOf).find((d) => d.action.startsWith("always"))!;
    assert.equal(always.contradiction_count, 1);
  });

  it("redacts secrets from evidence", () => {
    const [item] = extract([said(1, "Never commit the key sk-proj-abcdefghijklmnopqrstuvwx to the repo.")]);
    assert.doesNotMatch(JSON.stringify(item!.data), /abcdefghijklmnop/);
  });
});

describe("repeated tool sequences", () => {
  const habit = (n: number): ScriptStep[] => [
    { user: `ship change ${n}` },
    { call: "git_status", input: "git status" },
    { call: "run_tests", input: "npm test" },
    { call: "lint", input: "npm run lint" },
    { call: "git_commit", input: `git commit -m "change ${n}"` },
  ];

  it("reports a sequence shared by three sessions once, as its longest form", () => {
    const items = extract([1, 2, 3].map((n) => session(n, habit(n))));
    assert.equal(items.length, 1);
    const data = dataOf(items[0]!);
    assert.equal(data.pattern, "repeated_sequence");
    assert.equal(data.action, "continue with run_tests, then lint, then git_commit");
    assert.equal(data.observation_count, 3);
  });

  it("needs three sessions", () => {
    assert.deepEqual(extract([1, 2].map((n) => session(n, habit(n)))), []);
  });
});

describe("scope and advice", () => {
  const rule = "Always run the migrations before starting the server.";

  it("promotes an instinct to global once seen in two projects with mean confidence ≥ 0.8", () => {
    const sessions = Array.from({ length: 22 }, (_, n) => session(n, [{ user: rule }], n % 2 === 0 ? "shop" : "blog"));
    const [item] = extract(sessions);
    assert.equal(dataOf(item!).scope, "global");
    assert.deepEqual(dataOf(item!).projects, ["blog", "shop"]);
  });

  it("keeps an instinct of one project, or of weak evidence, project-scoped", () => {
    assert.equal(dataOf(extract(Array.from({ length: 22 }, (_, n) => session(n, [{ user: rule }])))[0]!).scope, "project");
    assert.equal(dataOf(extract([session(1, [{ user: rule }], "shop"), session(2, [{ user: rule }], "blog")])[0]!).scope, "project");
  });

  it("counts a successful advice citation as a confirmation", () => {
    const first = extract([session(1, [{ user: rule }])]);
    const key = first[0]!.key;
    const [item] = extract([session(1, [{ user: rule }]), session(2, [{ advice: key, ok: true }])]);
    assert.equal(dataOf(item!).confirmation_count, 1);
    assert.equal(dataOf(item!).confidence, 0.35);
  });
});

describe("freshness", () => {
  it("reports an instinct only when it has new evidence or decayed since the given time", () => {
    const sessions = [session(1, [{ user: "Always run the linter before committing." }])];
    assert.equal(extract(sessions, { untilMs: t0 + 2 * dayMs, freshSinceMs: t0 + dayMs }).length, 0);
    assert.equal(extract(sessions, { untilMs: t0 + dayMs, freshSinceMs: t0 }).length, 1);
    const decayed = extract(sessions, { untilMs: t0 + 7 * dayMs + 2 * hourMs, freshSinceMs: t0 + 7 * dayMs });
    assert.equal(decayed.length, 1);
    assert.equal(dataOf(decayed[0]!).confidence, 0.28);
  });
});
