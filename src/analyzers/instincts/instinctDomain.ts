import type { InstinctDomain } from "../../events/derived/instinct.ts";
import { wordsOf } from "../text.ts";

/** Keywords per domain; on a tie the domain listed first wins. */
const domainKeywords: ReadonlyArray<[InstinctDomain, readonly string[]]> = [
  ["security", ["secret", "secrets", "token", "tokens", "password", "credential", "credentials", "api_key", "apikey", "auth", "vault", "env", ".env", "encrypt", "permission", "permissions", "sudo"]],
  ["git", ["git", "commit", "commits", "committing", "branch", "merge", "rebase", "push", "pull", "main", "checkout", "git_commit", "git_status", "git_add", "git_push", "stash"]],
  ["testing", ["test", "tests", "testing", "spec", "specs", "jest", "vitest", "pytest", "mocha", "coverage", "run_tests", "assert", "fixture", "fixtures", "runinband"]],
  ["code-style", ["lint", "linter", "eslint", "prettier", "format", "formatting", "style", "naming", "indent", "semicolon", "semicolons", "typescript", "types", "camelcase", "tabs", "spaces", "comment", "comments"]],
  ["debugging", ["debug", "debugger", "error", "errors", "stack", "trace", "log", "logs", "crash", "breakpoint", "fails", "failed", "failure", "fix", "timeout"]],
  ["workflow", ["build", "deploy", "install", "npm", "pnpm", "yarn", "bun", "ci", "script", "scripts", "docker", "run", "make", "release", "migrate", "migration"]],
];

/**
 * Classifies an instinct by keywords; words of the action count double, since
 * what to do says more about the domain than when. "project" when nothing matches.
 */
export const classifyDomain = (trigger: string, action: string): InstinctDomain => {
  const triggerWords = wordsOf(trigger);
  const actionWords = wordsOf(action);
  let best: InstinctDomain = "project";
  let bestHits = 0;
  for (const [domain, keywords] of domainKeywords) {
    const hits = triggerWords.filter((word) => keywords.includes(word)).length + 2 * actionWords.filter((word) => keywords.includes(word)).length;
    if (hits > bestHits) {
      best = domain;
      bestHits = hits;
    }
  }
  return best;
};
