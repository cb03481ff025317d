import type { ErrorInfo } from "../../events/envelope.ts";
import type { CauseClass } from "../../events/derived/diagnosis.ts";

/** Causes that fail the same way on every retry: repeating the call unchanged cannot help. */
export const deterministicCauses: ReadonlySet<CauseClass> = new Set(["validation", "auth", "malformed_model_output", "context_overflow"]);

const httpStatusOf = (error: Pick<ErrorInfo, "message" | "code">): number | null => {
  const code = error.code?.trim() ?? "";
  if (/^[1-5]\d{2}$/.test(code)) return Number(code);
  const labelled = /\b(?:status(?:\s*code)?|http(?:\/[\d.]+)?|code)\W{0,3}([1-5]\d{2})\b/i.exec(error.message);
  if (labelled) return Number(labelled[1]);
  const leading = /^\s*([45]\d{2})\b/.exec(error.message);
  return leading ? Number(leading[1]) : null;
};

const contextOverflow =
  /context[_ ](?:length|window)|maximum context|context_length_exceeded|too many tokens|token limit|prompt is too long|exceeds? (?:the )?(?:model'?s? )?(?:maximum|max)(?:imum)? (?:context|tokens|input)/i;
const rateLimit = /rate[ _-]?limit|too many requests|quota (?:exceeded|exhausted)|throttl/i;
const timeout = /timed? ?out|timeout|deadline exceeded|etimedout|esockettimedout/i;
const auth = /unauthori[sz]ed|forbidden|invalid (?:api[ _-]?key|token|credentials?)|authenticat|permission denied|access denied|(?:expired|revoked) (?:token|key|credentials?)|token (?:has )?expired/i;
const malformed =
  /unexpected token|json\.parse|invalid json|is not valid json|malformed|could not parse|failed to parse|unterminated string|unexpected end of (?:json|input)|output (?:did|does) not match|schema validation failed|expected (?:a )?json/i;
const validation = /invalid|validation|required|must be|bad request|not found|unknown (?:field|parameter|column|argument)|missing|not allowed|unsupported/i;
const dependency =
  /econnrefused|econnreset|enotfound|eai_again|epipe|socket hang up|connection (?:refused|reset|closed|error)|service unavailable|bad gateway|upstream|network|unavailable|internal server error|database is locked|overloaded/i;

/**
 * Classifies a failure from its type, code and message. Specific causes are
 * checked before the generic HTTP classes, so a 429 is a rate limit and a 504 a
 * timeout, not a dependency failure.
 */
export const classifyCause = (error: Pick<ErrorInfo, "type" | "message" | "code">): CauseClass => {
  const text = `${error.type ?? ""} ${error.code ?? ""} ${error.message}`;
  const status = httpStatusOf(error);
  if (contextOverflow.test(text)) return "context_overflow";
  if (status === 429 || rateLimit.test(text)) return "rate_limit";
  if (status === 408 || status === 504 || /timeout|abort/i.test(error.type ?? "") || timeout.test(text)) return "timeout";
  if (status === 401 || status === 403 || auth.test(text)) return "auth";
  if (status !== null && status >= 400 && status < 500) return "validation";
  if (status !== null && status >= 500) return "dependency";
  if (malformed.test(text)) return "malformed_model_output";
  if (dependency.test(text)) return "dependency";
  if (validation.test(text)) return "validation";
  return "unknown";
};
