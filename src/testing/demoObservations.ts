import type { NoteRecorded } from "../events/noteRecorded.ts";
import type { OperationObserved } from "../events/operationObserved.ts";
import type { SessionObserved } from "../events/sessionObservation.ts";
import { noteEvent, operationEvent, sessionEvent } from "./rawEvents.ts";
import { createSeededRandom } from "./seededRandom.ts";

type Endpoint = { operation: string; kind: "endpoint" | "tool" | "llm"; medianMs: number; baseFailureRate: number; failure: { type: string; message: string; code: string } };

const endpoints: Endpoint[] = [
  { operation: "POST /v1/search", kind: "endpoint", medianMs: 120, baseFailureRate: 0.02, failure: { type: "TimeoutError", message: "search backend timed out after 3000 ms", code: "504" } },
  { operation: "GET /v1/orders/:id", kind: "endpoint", medianMs: 35, baseFailureRate: 0.01, failure: { type: "NotFoundError", message: "order 9f3a not found", code: "404" } },
  { operation: "POST /v1/checkout", kind: "endpoint", medianMs: 240, baseFailureRate: 0.03, failure: { type: "PaymentError", message: "card declined by issuer", code: "402" } },
  { operation: "tool:web_fetch", kind: "tool", medianMs: 650, baseFailureRate: 0.05, failure: { type: "ConnectionError", message: "ECONNRESET while fetching https://example.org/page", code: "ECONNRESET" } },
  { operation: "tool:sql_query", kind: "tool", medianMs: 80, baseFailureRate: 0.04, failure: { type: "SyntaxError", message: "syntax error at or near \"FROM\"", code: "42601" } },
  { operation: "llm:chat", kind: "llm", medianMs: 1800, baseFailureRate: 0.02, failure: { type: "RateLimitError", message: "429 Too Many Requests: retry after 20s", code: "429" } },
];

/** Failure bursts: for a stretch of the demo an endpoint's dependency is down. */
const bursts = [
  { operation: "POST /v1/search", fromMinute: 20, toMinute: 28, failureRate: 0.7 },
  { operation: "llm:chat", fromMinute: 55, toMinute: 62, failureRate: 0.8 },
  { operation: "tool:web_fetch", fromMinute: 75, toMinute: 80, failureRate: 0.6 },
];

export type DemoObservations = { operations: OperationObserved[]; sessions: SessionObserved[]; notes: NoteRecorded[] };

/**
 * A realistic demo stream ending at `endMs`: `minutes` of traffic over several
 * endpoints, tools and a model, with failure bursts, agent sessions and notes
 * about users. Seeded, so every run shows the same shape.
 */
export const generateDemoObservations = ({ endMs, minutes = 90, seed = 7 }: { endMs: number; minutes?: number; seed?: number }): DemoObservations => {
  const random = createSeededRandom(seed).next;
  const startMs = endMs - minutes * 60_000;
  const operations: OperationObserved[] = [];
  for (let minute = 0; minute < minutes; minute++) {
    for (const endpoint of endpoints) {
      const calls = 3 + Math.floor(random() * 6);
      const burst = bursts.find((b) => b.operation === endpoint.operation && minute >= b.fromMinute && minute < b.toMinute);
      for (let c = 0; c < calls; c++) {
        const timeMs = startMs + minute * 60_000 + Math.floor(random() * 60_000);
        const isFailure = random() < (burst?.failureRate ?? endpoint.baseFailureRate);
        // Log-normal-ish latency around the median; failures during a burst wait for their timeout.
        const durationMs = Math.round(endpoint.medianMs * Math.exp((random() - 0.5) * 1.2) * (isFailure && burst ? 4 : 1));
        operations.push(
          operationEvent(
            { id: `demo-op-${seed}-${operations.length}`, timeMs, source: endpoint.kind === "endpoint" ? "shop-api" : "support-agent" },
            {
              operation: endpoint.operation,
              kind: endpoint.kind,
              input_summary: endpoint.kind === "llm" ? `{"messages":${1 + Math.floor(random() * 8)}}` : `{"q":"item ${Math.floor(random() * 500)}"}`,
              output_summary: isFailure ? null : '{"ok":true}',
              success: !isFailure,
              duration_ms: durationMs,
              error: isFailure ? endpoint.failure : null,
              project: "shop",
              gen_ai:
                endpoint.kind === "llm"
                  ? { operation: { name: "chat" }, request: { model: "gpt-4o-mini" }, usage: { input_tokens: 400 + Math.floor(random() * 2000), output_tokens: 50 + Math.floor(random() * 400) } }
                  : endpoint.kind === "tool"
                    ? { operation: { name: "execute_tool" }, tool: { name: endpoint.operation.slice(5) } }
                    : null,
            },
          ),
        );
      }
    }
  }

  const users = ["ada", "grace", "linus", "margaret", "ken"];
  const sessions: SessionObserved[] = [];
  const notes: NoteRecorded[] = [];
  for (let s = 0; s < 12; s++) {
    const sessionId = `demo-session-${s}`;
    const user = users[s % users.length]!;
    let timeMs = startMs + Math.floor(random() * (minutes - 10) * 60_000);
    const step = (data: Omit<Parameters<typeof sessionEvent>[1], "session_id">) => {
      timeMs += 2_000 + Math.floor(random() * 20_000);
      sessions.push(sessionEvent({ id: `demo-se-${seed}-${sessions.length}`, timeMs, source: "support-agent", subject: sessionId }, { ...data, session_id: sessionId, user_id: user, project: "shop", seq: sessions.length }));
    };
    step({ kind: "user_message", text: s % 4 === 0 ? "Never refund without checking the order status first." : "Where is my order? It was due yesterday." });
    step({ kind: "agent_turn", turn_kind: "plan", text: "Look up the order, then check the carrier." });
    step({ kind: "tool_invocation", gen_ai: { operation: { name: "execute_tool" }, tool: { name: "sql_query" } }, text: "SELECT status FROM orders WHERE id = ?" });
    const isToolFailure = s % 3 === 0;
    step({ kind: "tool_outcome", success: !isToolFailure, gen_ai: { tool: { name: "sql_query" } }, error: isToolFailure ? { type: "SyntaxError", message: "syntax error at or near \"FROM\"" } : null });
    if (isToolFailure) {
      step({ kind: "agent_turn", turn_kind: "retry", text: "Quote the table name and retry the query." });
      step({ kind: "tool_outcome", success: true, gen_ai: { tool: { name: "sql_query" } } });
    }
    step({ kind: "assistant_message", text: "Your order left the warehouse this morning." });
    step({ kind: "agent_turn", turn_kind: "propose_done" });
    notes.push(noteEvent({ id: `demo-note-${seed}-${notes.length}`, timeMs, source: "support-agent", subject: user }, { user_id: user, note: s % 2 === 0 ? `${user} was impatient about delivery times` : `${user} appreciated the quick lookup`, session_id: sessionId }));
  }
  return { operations, sessions, notes };
};
