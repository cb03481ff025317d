import type { NoteRecorded } from "../../src/events/noteRecorded.ts";
import type { OperationObserved } from "../../src/events/operationObserved.ts";
import type { SessionObserved } from "../../src/events/sessionObservation.ts";

const baseTimeMs = Date.parse("2026-11-20T09:00:00Z");
const at = (i: number) => new Date(baseTimeMs + i * 1000).toISOString();

/** Small, valid events with ids derived from `i`, for tests that need volume rather than realism. */
export const sampleOperation = (i: number, prefix = "op"): OperationObserved => ({
  id: `${prefix}-${i}`,
  type: "witness.operation.observed",
  source: "test-service",
  subject: `GET /items/${i % 7}`,
  time: at(i),
  specversion: "1.0",
  data: {
    operation: `GET /items/${i % 7}`,
    kind: "endpoint",
    input_summary: `{"id":${i}}`,
    output_summary: i % 10 === 0 ? null : `{"ok":true}`,
    success: i % 10 !== 0,
    duration_ms: 5 + (i % 50),
    error: i % 10 === 0 ? { type: "TimeoutError", message: `upstream timed out after ${1000 + i} ms`, code: "504" } : null,
    project: "demo",
    session_id: null,
    gen_ai: null,
  },
});

export const sampleSession = (i: number, prefix = "se"): SessionObserved => ({
  id: `${prefix}-${i}`,
  type: "witness.session.observed",
  source: "test-agent",
  subject: `session-${i % 13}`,
  time: at(i),
  specversion: "1.0",
  data: {
    session_id: `session-${i % 13}`,
    kind: i % 3 === 0 ? "tool_invocation" : "user_message",
    turn_kind: null,
    seq: i,
    text: `message ${i}`,
    user_id: `user-${i % 5}`,
    project: "demo",
    success: null,
    duration_ms: null,
    error: null,
    gen_ai: i % 3 === 0 ? { operation: { name: "execute_tool" }, provider: null, request: null, response: null, usage: null, tool: { name: "grep", call: { id: `call-${i}` } } } : null,
    trace: null,
    audit: null,
    attributes: {},
  },
});

export const sampleNote = (i: number, prefix = "no"): NoteRecorded => ({
  id: `${prefix}-${i}`,
  type: "witness.note.recorded",
  source: "test-agent",
  subject: `user-${i % 5}`,
  time: at(i),
  specversion: "1.0",
  data: { user_id: `user-${i % 5}`, note: `note ${i} about the user`, session_id: null, turn: i, project: "demo" },
});
