import type { ErrorInfo } from "../../events/envelope.ts";
import { redactSecrets } from "../../events/redact.ts";
import { maskVariableParts, truncate } from "../text.ts";

export const signatureMaxChars = 300;

/** Error codes that name a class (429, ECONNRESET) stay; codes that look like ids are masked. */
const normalizeCode = (code: string | null): string | null => {
  if (code === null || code.trim() === "") return null;
  const trimmed = code.trim();
  if (/^\d{3}$/.test(trimmed) || /^[A-Z][A-Z0-9_]*$/.test(trimmed)) return trimmed;
  return maskVariableParts(trimmed).toLowerCase();
};

/** The message with every variable part masked, lower-cased: failures that differ only in data share it. */
export const normalizeErrorMessage = (message: string): string => maskVariableParts(redactSecrets(message)).toLowerCase();

/**
 * The signature failures are clustered by: error type, class-like code and the
 * normalised message — `TimeoutError [ETIMEDOUT]: request to <url> timed out after <n>`.
 */
export const errorSignatureOf = (error: Pick<ErrorInfo, "type" | "message" | "code">): string => {
  const code = normalizeCode(error.code);
  const head = [error.type?.trim() || null, code === null ? null : `[${code}]`].filter((part) => part !== null).join(" ");
  const message = normalizeErrorMessage(error.message) || "<empty>";
  return truncate(head ? `${head}: ${message}` : message, signatureMaxChars);
};
