/**
 * Secret redaction for any text that leaves an event and lands in a derived
 * event, a prompt or a log line. Patterns are deliberately greedy: a false
 * positive costs a few characters of evidence, a false negative leaks a secret.
 */

export const redactionMarker = (kind: string): string => `[REDACTED:${kind}]`;

type Rule = { kind: string; pattern: RegExp; replace: (match: string, ...groups: string[]) => string };

const rule = (kind: string, pattern: RegExp, keepPrefixGroup = false): Rule => ({
  kind,
  pattern,
  replace: keepPrefixGroup ? (_match, prefix) => `${prefix ?? ""}${redactionMarker(kind)}` : () => redactionMarker(kind),
});

// Order matters: whole-structure secrets (key blocks, JWTs, URL credentials) before the
// generic `name=value` forms, so a value is never half-redacted by an earlier rule.
const rules: readonly Rule[] = [
  rule("private_key", /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g),
  rule("jwt", /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g),
  rule("bearer", /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, true),
  rule("url_credentials", /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi, true),
  rule("api_key", /\b(?:sk|pk|rk)-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g),
  rule("api_key", /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/g),
  rule("api_key", /\bxox[abposr]-[A-Za-z0-9-]{10,}/g),
  rule("api_key", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g),
  rule("api_key", /\bAIza[0-9A-Za-z_-]{35}\b/g),
  rule("api_key", /\bglpat-[A-Za-z0-9_-]{20,}/g),
  rule(
    "password",
    /(\b(?:password|passwd|pwd|passphrase)\b["']?\s*(?:[:=]|\bis\b)\s*["']?)[^\s"',;&]+/gi,
    true,
  ),
  rule(
    "secret",
    /(\b(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|secret[_-]?key|secret|token|x-api-key)\b["']?\s*[:=]\s*["']?)[^\s"',;&]{6,}/gi,
    true,
  ),
  rule("email", /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g),
];

/** Replaces API keys, bearer tokens, passwords, credentials in URLs, JWTs and emails with markers. */
export const redactSecrets = (text: string): string =>
  rules.reduce((current, { pattern, replace }) => current.replace(pattern, replace), text);

export const hasSecrets = (text: string): boolean => redactSecrets(text) !== text;

/**
 * Redacts first, then bounds the length: truncating first could cut a secret
 * so that its remainder no longer matches a pattern.
 */
export const redactExcerpt = (text: string, maxChars: number): string => {
  const redacted = redactSecrets(text).replace(/\s+/g, " ").trim();
  if (redacted.length <= maxChars) return redacted;
  return `${redacted.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
};
