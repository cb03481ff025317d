import type { SourcedEvent } from "../analyzers/analyzer.ts";
import type { NoteRecorded } from "../events/noteRecorded.ts";
import type { OperationObserved } from "../events/operationObserved.ts";
import type { agentTurnKinds, SessionObserved } from "../events/sessionObservation.ts";
import { sessionEvent, topicOfEvent } from "./rawEvents.ts";

/** One line of a scripted session, in the words a test or the corpus thinks in. */
export type ScriptStep =
  | { user: string }
  | { assistant: string }
  | { call: string; input: string }
  | { outcome: string; ok: boolean; error?: string; code?: string; output?: string }
  | { turn: (typeof agentTurnKinds)[number]; text?: string }
  | { audit: string; expected: string | null; observed: string | null }
  | { advice: string; ok: boolean };

export type SessionScript = {
  sessionId: string;
  project?: string | null;
  userId?: string | null;
  startMs: number;
  /** Event time between steps. */
  stepMs?: number;
  /** Ids are `${idPrefix}-${index}`; defaults to the session id. */
  idPrefix?: string;
};

/** Turns a script into session observation events with seq numbers and advancing event time. */
export const scriptSession = (script: SessionScript, steps: readonly ScriptStep[]): SessionObserved[] => {
  const stepMs = script.stepMs ?? 20_000;
  const prefix = script.idPrefix ?? script.sessionId;
  let callCount = 0;
  return steps.map((step, index) => {
    const common = {
      session_id: script.sessionId,
      seq: index,
      project: script.project ?? null,
      user_id: script.userId ?? null,
    };
    const envelope = { id: `${prefix}-${index}`, timeMs: script.startMs + index * stepMs };
    if ("user" in step) return sessionEvent(envelope, { ...common, kind: "user_message", text: step.user });
    if ("assistant" in step) return sessionEvent(envelope, { ...common, kind: "assistant_message", text: step.assistant });
    if ("call" in step) {
      callCount++;
      return sessionEvent(envelope, {
        ...common,
        kind: "tool_invocation",
        text: step.input,
        gen_ai: { operation: { name: "execute_tool" }, tool: { name: step.call, call: { id: `${prefix}-call-${callCount}` } } },
      });
    }
    if ("outcome" in step) {
      return sessionEvent(envelope, {
        ...common,
        kind: "tool_outcome",
        success: step.ok,
        text: step.output ?? (step.ok ? "ok" : null),
        error: step.ok ? null : { type: null, message: step.error ?? "failed", code: step.code ?? null },
        gen_ai: { tool: { name: step.outcome, call: null } },
      });
    }
    if ("turn" in step) return sessionEvent(envelope, { ...common, kind: "agent_turn", turn_kind: step.turn, text: step.text ?? null });
    if ("audit" in step) {
      return sessionEvent(envelope, { ...common, kind: "audit", audit: { check: step.audit, expected: step.expected, observed: step.observed, detail: null } });
    }
    return sessionEvent(envelope, { ...common, kind: "advice_cited", success: step.ok, attributes: { key: step.advice } });
  });
};

/** Wraps raw events as an analyzer sees them, with made-up positions (partition 0, offsets in order). */
export const toSourced = (events: ReadonlyArray<SessionObserved | OperationObserved | NoteRecorded>, partition = 0): SourcedEvent[] =>
  events.map((event, offset) => ({
    id: event.id,
    revision: 0,
    timeMs: Date.parse(event.time),
    topic: topicOfEvent(event),
    partition,
    offset,
    event,
  }));
