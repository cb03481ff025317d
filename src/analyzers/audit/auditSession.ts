import { createHash } from "node:crypto";
import type { AuditFinding, AuditRule, EvaluationData } from "../../events/derived/evaluation.ts";
import { redactExcerpt } from "../../events/redact.ts";
import type { DerivedItem } from "../analyzer.ts";
import { citeEvents } from "../derivedEvents.ts";
import { parseRule } from "../instincts/instinctObservations.ts";
import { isToolCall, type SessionStep, type SessionTimeline, textOf } from "../sessions/sessionTimeline.ts";
import { compareStrings } from "../text.ts";

const actionVerbs =
  "run|create|add|fix|update|delete|remove|show|list|query|deploy|install|build|write|make|find|check|open|read|edit|change|rename|refactor|implement|generate|test|search|fetch|get|set|start|stop|restart|commit|push|merge|move|copy|upload|download|send|schedule|book|compute|calculate|analy[sz]e|investigate|look up|review|migrate|execute|apply|save|load|export|import|clean|format|lint|rebase|revert|reset|configure|enable|disable";
const intentPattern = new RegExp(
  `^(?:(?:ok(?:ay)?|now|then|also|and|so|next|pls|please|kindly|hey)[,!]?\\s+)*(?:(?:can|could|would|will) you\\s+(?:please\\s+)?|i (?:need|want) you to\\s+|let'?s\\s+|go ahead and\\s+)?(?:${actionVerbs})\\b`,
  "i",
);

/**
 * A request to do something (not a question, not a standing rule): an
 * imperative, "can you …", "I need you to …", "let's …" with an action verb.
 */
export const isRequestIntent = (text: string): boolean => {
  const sentences = text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
  if (sentences.some((s) => parseRule(s) !== null)) return false;
  return sentences.some((s) => intentPattern.test(s));
};

const hasCode = (step: SessionStep): boolean =>
  (step.event.data.kind === "agent_turn" && step.event.data.turn_kind === "code") ||
  ((step.event.data.kind === "assistant_message" || step.event.data.kind === "agent_turn") && /```/.test(textOf(step)));

const isResponse = (step: SessionStep): boolean =>
  step.event.data.kind === "assistant_message" ||
  (step.event.data.kind === "agent_turn" && (step.event.data.turn_kind === "respond" || step.event.data.turn_kind === "propose_done"));

/** The steps after `index` up to (not including) the next user message. */
const replyTo = (steps: readonly SessionStep[], index: number): SessionStep[] => {
  const reply: SessionStep[] = [];
  for (let i = index + 1; i < steps.length; i++) {
    if (steps[i]!.event.data.kind === "user_message") break;
    reply.push(steps[i]!);
  }
  return reply;
};

const normalizeList = (value: string): string =>
  value
    .split(/[,;\n]/)
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean)
    .sort(compareStrings)
    .join("|");

/** Keys name the rule and the step that triggered it; an over-long id is hashed to fit. */
export const findingKeyOf = (rule: AuditRule, eventId: string): string => {
  const key = `${rule}:${eventId}`;
  return key.length <= 300 ? key : `${rule}:sha256:${createHash("sha256").update(eventId).digest("hex")}`;
};

type Finding = { rule: AuditRule; trigger: SessionStep; evidence: SessionStep[]; finding: Omit<AuditFinding, "rule" | "session_id" | "project"> };

/**
 * Audit findings of a session for the steps whose time lies in [fromMs, untilMs);
 * later steps of the timeline serve as look-ahead.
 * - code_without_tools: the reply to a user message contains code but no tool call;
 * - intent_without_action: a request gets an answer but no tool call (unless the
 *   more specific code_without_tools already covers that reply);
 * - reported_mismatch: an audit event whose expected and observed differ.
 */
export const auditSession = (timeline: SessionTimeline, fromMs: number, untilMs: number): DerivedItem[] => {
  const findings: Finding[] = [];
  const { steps } = timeline;
  const isJudged = (step: SessionStep) => step.timeMs >= fromMs && step.timeMs < untilMs;

  steps.forEach((step, index) => {
    const { kind, audit } = step.event.data;
    if (kind === "user_message" && isJudged(step)) {
      const reply = replyTo(steps, index);
      if (reply.some(isToolCall)) return;
      const code = reply.filter(hasCode);
      if (code.length > 0) {
        findings.push({
          rule: "code_without_tools",
          trigger: code[0]!,
          evidence: [step, ...code],
          finding: {
            severity: "medium",
            description: "The agent wrote code in its reply but made no tool call to run or save it.",
            excerpt: redactExcerpt(textOf(code[0]!), 200),
            expected: "a tool call that runs or writes the code",
            observed: "code in the reply only",
          },
        });
      } else if (isRequestIntent(textOf(step)) && reply.some(isResponse)) {
        findings.push({
          rule: "intent_without_action",
          trigger: step,
          evidence: [step, ...reply.filter(isResponse)],
          finding: {
            severity: "medium",
            description: "The user asked for an action; the agent answered with text only and called no tool.",
            excerpt: redactExcerpt(textOf(step), 200),
            expected: "a tool call acting on the request",
            observed: "a text answer only",
          },
        });
      }
    }
    if (kind === "audit" && audit && isJudged(step) && audit.expected !== null && audit.observed !== null) {
      if (normalizeList(audit.expected) === normalizeList(audit.observed)) return;
      findings.push({
        rule: "reported_mismatch",
        trigger: step,
        evidence: [step],
        finding: {
          severity: "high",
          description: `The ${audit.check} check reports that what the agent sent differs from what the user sees.`,
          excerpt: redactExcerpt(audit.detail ?? `${audit.check}: expected ≠ observed`, 200),
          expected: redactExcerpt(audit.expected, 500),
          observed: redactExcerpt(audit.observed, 500),
        },
      });
    }
  });

  return findings.map(({ rule, trigger, evidence, finding }) => {
    const data: EvaluationData = {
      kind: "audit_finding",
      user_id: timeline.userId,
      meta: null,
      daily: null,
      weekly: null,
      audit_finding: { rule, session_id: timeline.sessionId, project: timeline.project, ...finding },
    };
    return { key: findingKeyOf(rule, trigger.id), data, evidence: citeEvents(evidence) };
  });
};
