import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EvaluationData } from "../../events/derived/evaluation.ts";
import { type ScriptStep, scriptSession, toSourced } from "../../testing/sessionScript.ts";
import { hourMs } from "../../windows/windowSpec.ts";
import type { DerivedItem } from "../analyzer.ts";
import { buildSessionTimelines } from "../sessions/sessionTimeline.ts";
import { createAuditAnalyzer } from "./auditAnalyzer.ts";
import { auditSession, findingKeyOf, isRequestIntent } from "./auditSession.ts";

const t0 = Date.parse("2025-03-24T09:00:00Z");
const audit = (steps: ScriptStep[]): DerivedItem[] => {
  const [timeline] = buildSessionTimelines(toSourced(scriptSession({ sessionId: "s1", project: "shop", userId: "ada", startMs: t0 }, steps)));
  return auditSession(timeline!, t0, t0 + hourMs);
};
const findingOf = (item: DerivedItem) => (item.data as EvaluationData).audit_finding!;

describe("isRequestIntent", () => {
  it("recognises imperatives and polite requests", () => {
    for (const text of ["Run the migrations", "please deploy to staging", "Can you fix the failing test?", "I need you to create a branch", "ok, let's build it"]) {
      assert.equal(isRequestIntent(text), true, text);
    }
  });

  it("does not take questions, thanks or standing rules for requests", () => {
    for (const text of ["What does this error mean?", "thanks!", "Always run the linter before committing.", "Never push to main"]) {
      assert.equal(isRequestIntent(text), false, text);
    }
  });
});

describe("auditSession", () => {
  it("finds a request answered with text and no tool call", () => {
    const [item, ...rest] = audit([{ user: "Please run the test suite" }, { assistant: "Sure, the tests should pass now." }]);
    assert.equal(rest.length, 0);
    assert.equal(findingOf(item!).rule, "intent_without_action");
    assert.equal(item!.key, "intent_without_action:s1-0");
    assert.deepEqual(item!.evidence.map((c) => c.event_id), ["s1-0", "s1-1"]);
  });

  it("accepts a request followed by a tool call", () => {
    assert.deepEqual(audit([{ user: "Please run the test suite" }, { call: "bash", input: "npm test" }, { outcome: "bash", ok: true }, { assistant: "All green." }]), []);
  });

  it("waits while the agent has not answered yet", () => {
    assert.deepEqual(audit([{ user: "Please run the test suite" }]), []);
  });

  it("finds code written without a tool call, instead of a bare intent finding", () => {
    const [item, ...rest] = audit([{ user: "write a function that sums a list" }, { assistant: "```ts\nconst sum = (xs) => xs.reduce((a, b) => a + b, 0);\n```" }]);
    assert.equal(rest.length, 0);
    assert.equal(findingOf(item!).rule, "code_without_tools");
    assert.equal(item!.key, "code_without_tools:s1-1");
  });

  it("counts an agent code turn as code", () => {
    const [item] = audit([{ user: "hello" }, { turn: "code", text: "def f(): pass" }, { turn: "respond", text: "done" }]);
    assert.equal(findingOf(item!).rule, "code_without_tools");
  });

  it("reports an audit event whose expected and observed differ, ignoring order and case", () => {
    const items = audit([
      { audit: "workspace_mismatch", expected: "Save, Cancel", observed: "cancel,save" },
      { audit: "workspace_mismatch", expected: "Save, Cancel", observed: "" },
    ]);
    assert.equal(items.length, 1);
    assert.equal(findingOf(items[0]!).rule, "reported_mismatch");
    assert.equal(findingOf(items[0]!).severity, "high");
  });

  it("judges only steps inside its span", () => {
    const [timeline] = buildSessionTimelines(
      toSourced(scriptSession({ sessionId: "s1", startMs: t0 }, [{ user: "run the build" }, { assistant: "It is built." }])),
    );
    assert.deepEqual(auditSession(timeline!, t0 + 1, t0 + hourMs), []);
  });

  it("hashes over-long keys to fit the envelope", () => {
    assert.ok(findingKeyOf("reported_mismatch", "x".repeat(400)).length <= 300);
  });
});

describe("audit analyzer", () => {
  it("judges each step once: hopping windows of two spans, judging the first", () => {
    const analyzer = createAuditAnalyzer();
    assert.deepEqual(analyzer.window, { kind: "hopping", sizeMs: 2 * hourMs, hopMs: hourMs });
    const events = toSourced(scriptSession({ sessionId: "s1", startMs: t0 + hourMs - 30_000 }, [{ user: "run the build" }, { assistant: "Built." }]));
    const first = analyzer.analyzeWindow("s1", { startMs: t0, endMs: t0 + 2 * hourMs }, events);
    const second = analyzer.analyzeWindow("s1", { startMs: t0 + hourMs, endMs: t0 + 3 * hourMs }, events);
    assert.equal(first.length + second.length, 1);
  });
});
