import type { ErrorInfo } from "../events/envelope.ts";
import type { GenAi } from "../events/genAi.ts";
import type { NoteRecorded } from "../events/noteRecorded.ts";
import type { OperationObserved } from "../events/operationObserved.ts";
import type { SessionObserved } from "../events/sessionObservation.ts";
import { column, positionColumns, type Column } from "./columns.ts";

type Envelope = { id: string; source: string; subject: string; time: string };

const envelopeColumns = <E extends Envelope>(): Column<E>[] => [
  column("event_id", "VARCHAR", (e) => e.id),
  column("source", "VARCHAR", (e) => e.source),
  column("subject", "VARCHAR", (e) => e.subject),
  column("time", "TIMESTAMPTZ", (e) => e.time),
];

const errorColumns = <E>(error: (e: E) => ErrorInfo | null): Column<E>[] => [
  column("error_type", "VARCHAR", (e) => error(e)?.type ?? null),
  column("error_message", "VARCHAR", (e) => error(e)?.message ?? null),
  column("error_code", "VARCHAR", (e) => error(e)?.code ?? null),
];

/** GenAI attributes flattened with underscores: gen_ai.request.model → gen_ai_request_model. */
const genAiColumns = <E>(genAi: (e: E) => GenAi | null): Column<E>[] => [
  column("gen_ai_operation_name", "VARCHAR", (e) => genAi(e)?.operation?.name ?? null),
  column("gen_ai_provider_name", "VARCHAR", (e) => genAi(e)?.provider?.name ?? null),
  column("gen_ai_request_model", "VARCHAR", (e) => genAi(e)?.request?.model ?? null),
  column("gen_ai_response_model", "VARCHAR", (e) => genAi(e)?.response?.model ?? null),
  column("gen_ai_usage_input_tokens", "BIGINT", (e) => genAi(e)?.usage?.input_tokens ?? null),
  column("gen_ai_usage_output_tokens", "BIGINT", (e) => genAi(e)?.usage?.output_tokens ?? null),
  column("gen_ai_tool_name", "VARCHAR", (e) => genAi(e)?.tool?.name ?? null),
  column("gen_ai_tool_call_id", "VARCHAR", (e) => genAi(e)?.tool?.call?.id ?? null),
];

export const operationColumns: Column<OperationObserved>[] = [
  ...envelopeColumns<OperationObserved>(),
  column("operation", "VARCHAR", (e) => e.data.operation),
  column("kind", "VARCHAR", (e) => e.data.kind),
  column("input_summary", "VARCHAR", (e) => e.data.input_summary),
  column("output_summary", "VARCHAR", (e) => e.data.output_summary),
  column("success", "BOOLEAN", (e) => e.data.success),
  column("duration_ms", "DOUBLE", (e) => e.data.duration_ms),
  ...errorColumns<OperationObserved>((e) => e.data.error),
  column("project", "VARCHAR", (e) => e.data.project),
  column("session_id", "VARCHAR", (e) => e.data.session_id),
  ...genAiColumns<OperationObserved>((e) => e.data.gen_ai),
  ...positionColumns<OperationObserved>(),
];

export const sessionColumns: Column<SessionObserved>[] = [
  ...envelopeColumns<SessionObserved>(),
  column("session_id", "VARCHAR", (e) => e.data.session_id),
  column("kind", "VARCHAR", (e) => e.data.kind),
  column("turn_kind", "VARCHAR", (e) => e.data.turn_kind),
  column("seq", "BIGINT", (e) => e.data.seq),
  column("text", "VARCHAR", (e) => e.data.text),
  column("user_id", "VARCHAR", (e) => e.data.user_id),
  column("project", "VARCHAR", (e) => e.data.project),
  column("success", "BOOLEAN", (e) => e.data.success),
  column("duration_ms", "DOUBLE", (e) => e.data.duration_ms),
  ...errorColumns<SessionObserved>((e) => e.data.error),
  ...genAiColumns<SessionObserved>((e) => e.data.gen_ai),
  column("trace_node", "VARCHAR", (e) => e.data.trace?.node ?? null),
  column("trace_phase", "VARCHAR", (e) => e.data.trace?.phase ?? null),
  column("trace_span_id", "VARCHAR", (e) => e.data.trace?.span_id ?? null),
  column("trace_parent_span_id", "VARCHAR", (e) => e.data.trace?.parent_span_id ?? null),
  column("audit_check", "VARCHAR", (e) => e.data.audit?.check ?? null),
  column("audit_expected", "VARCHAR", (e) => e.data.audit?.expected ?? null),
  column("audit_observed", "VARCHAR", (e) => e.data.audit?.observed ?? null),
  column("audit_detail", "VARCHAR", (e) => e.data.audit?.detail ?? null),
  column("attributes", "JSON", (e) => JSON.stringify(e.data.attributes)),
  ...positionColumns<SessionObserved>(),
];

export const noteColumns: Column<NoteRecorded>[] = [
  ...envelopeColumns<NoteRecorded>(),
  column("user_id", "VARCHAR", (e) => e.data.user_id),
  column("note", "VARCHAR", (e) => e.data.note),
  column("session_id", "VARCHAR", (e) => e.data.session_id),
  column("turn", "BIGINT", (e) => e.data.turn),
  column("project", "VARCHAR", (e) => e.data.project),
  ...positionColumns<NoteRecorded>(),
];

/** Raw family → the table it is projected into. */
export const rawTables = {
  operation: { table: "operations", columns: operationColumns },
  session: { table: "sessions", columns: sessionColumns },
  note: { table: "notes", columns: noteColumns },
} as const;
