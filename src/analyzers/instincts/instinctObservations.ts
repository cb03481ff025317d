import type { InstinctPattern } from "../../events/derived/instinct.ts";
import { redactExcerpt, redactSecrets } from "../../events/redact.ts";
import { errorSignatureOf } from "../errors/errorSignature.ts";
import { isToolCall, type SessionStep, type SessionTimeline, textOf, toolNameOf } from "../sessions/sessionTimeline.ts";
import { compareStrings, contentTokensOf, maskVariableParts, truncate } from "../text.ts";

/**
 * One sighting of a candidate instinct in one session. `identity` is exact
 * (sightings with equal identity are the same instinct); near-duplicates are
 * merged later by similarity of `trigger` + `action`.
 */
export type InstinctObservation = {
  pattern: InstinctPattern;
  identity: string;
  trigger: string;
  action: string;
  sessionId: string;
  project: string | null;
  timeMs: number;
  excerpt: string;
  evidence: SessionStep[];
  /** Explicit rules only: the rule's words without its polarity, and the polarity. */
  rule?: { subject: string[]; polarity: "do" | "avoid" | `prefer:${string}` };
};

/** Evidence about an existing instinct rather than a new sighting. */
export type InstinctSignal = {
  kind: "confirmed" | "contradicted";
  /** Matches an observation identity (a changed retry that failed again) … */
  identity: string | null;
  /** … or a derived instinct key (an advice citation). */
  instinctKey: string | null;
  sessionId: string;
  project: string | null;
  timeMs: number;
  evidence: SessionStep[];
};

const triggerMax = 80;
const actionMax = 120;

/** Whitespace tokens with variable parts masked: what two inputs are compared on. */
const maskedTokensOf = (input: string): string[] => maskVariableParts(input).toLowerCase().split(" ").filter(Boolean);

/** What changed from one tool input to the next: masked tokens added and removed (sorted), and display text. */
export const describeChange = (before: string, after: string) => {
  const beforeTokens = maskedTokensOf(before);
  const afterTokens = maskedTokensOf(after);
  const beforeSet = new Set(beforeTokens);
  const afterSet = new Set(afterTokens);
  const added = [...afterSet].filter((t) => !beforeSet.has(t)).sort(compareStrings);
  const removed = [...beforeSet].filter((t) => !afterSet.has(t)).sort(compareStrings);
  // Display the actual words, in the order they appear, redacted.
  const rawAfter = redactSecrets(after).split(/\s+/).filter(Boolean);
  const rawBefore = redactSecrets(before).split(/\s+/).filter(Boolean);
  const addedText = rawAfter.filter((w) => !beforeSet.has(maskVariableParts(w).toLowerCase())).join(" ");
  const removedText = rawBefore.filter((w) => !afterSet.has(maskVariableParts(w).toLowerCase())).join(" ");
  return { added, removed, addedText, removedText, isChanged: added.length + removed.length > 0 };
};

/** "retry bash adding …", "add … to the command", "use … instead of …". */
const changeAction = (lead: "retry" | "correct", tool: string, change: ReturnType<typeof describeChange>): string => {
  if (change.addedText && change.removedText) {
    return lead === "retry" ? `retry ${tool} with "${change.addedText}" instead of "${change.removedText}"` : `use "${change.addedText}" instead of "${change.removedText}"`;
  }
  if (change.addedText) return lead === "retry" ? `retry ${tool} adding "${change.addedText}"` : `add "${change.addedText}" to the command`;
  return lead === "retry" ? `retry ${tool} without "${change.removedText}"` : `drop "${change.removedText}" from the command`;
};

const outcomeAfter = (steps: readonly SessionStep[], from: number, tool: string, limit: number): { step: SessionStep; index: number } | null => {
  for (let i = from + 1; i < Math.min(steps.length, from + 1 + limit); i++) {
    const step = steps[i]!;
    if (step.event.data.kind === "user_message") return null;
    if (step.event.data.kind === "tool_outcome" && (toolNameOf(step) ?? tool) === tool) return { step, index: i };
  }
  return null;
};

const lastInvocationBefore = (steps: readonly SessionStep[], index: number, tool: string | null): { step: SessionStep; index: number } | null => {
  for (let i = index - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (step.event.data.kind === "user_message") return null;
    if (isToolCall(step) && (tool === null || toolNameOf(step) === tool)) return { step, index: i };
  }
  return null;
};

export type DetectionOptions = { lookaheadSteps: number };
export const defaultDetectionOptions: DetectionOptions = { lookaheadSteps: 8 };

/**
 * A tool fails, the agent retries it with a changed input before the user says
 * anything, and the retry succeeds → "when <tool> fails with <error>, retry with
 * <change>". The same change failing again is a contradiction of that instinct.
 */
export const detectFailureRetries = (
  timeline: SessionTimeline,
  options: DetectionOptions = defaultDetectionOptions,
): { observations: InstinctObservation[]; signals: InstinctSignal[] } => {
  const observations: InstinctObservation[] = [];
  const signals: InstinctSignal[] = [];
  const { steps } = timeline;
  steps.forEach((outcome, index) => {
    if (outcome.event.data.kind !== "tool_outcome" || outcome.event.data.success !== false) return;
    const failedCall = lastInvocationBefore(steps, index, toolNameOf(outcome));
    if (!failedCall) return;
    const tool = toolNameOf(failedCall.step) ?? "tool";
    for (let i = index + 1; i < Math.min(steps.length, index + 1 + options.lookaheadSteps); i++) {
      const step = steps[i]!;
      if (step.event.data.kind === "user_message") return;
      if (!isToolCall(step) || toolNameOf(step) !== tool) continue;
      const change = describeChange(textOf(failedCall.step), textOf(step));
      if (!change.isChanged) return; // an unchanged retry: its own failure, if any, is judged on its own
      const retryOutcome = outcomeAfter(steps, i, tool, options.lookaheadSteps);
      if (!retryOutcome || retryOutcome.step.event.data.success === null) return;
      const error = outcome.event.data.error ?? { type: null, message: textOf(outcome) || "failed", code: null };
      const signature = errorSignatureOf(error);
      const identity = `failure_retry|${tool}|${signature}|+${change.added.join(" ")}|-${change.removed.join(" ")}`;
      const evidence = [failedCall.step, outcome, step, retryOutcome.step];
      if (retryOutcome.step.event.data.success) {
        observations.push({
          pattern: "failure_retry",
          identity,
          trigger: truncate(`${tool} fails with: ${signature}`, triggerMax),
          action: truncate(changeAction("retry", tool, change), actionMax),
          sessionId: timeline.sessionId,
          project: timeline.project,
          timeMs: retryOutcome.step.timeMs,
          excerpt: redactExcerpt(`${tool} "${textOf(failedCall.step)}" failed (${error.message}); retry "${textOf(step)}" succeeded`, 200),
          evidence,
        });
      } else {
        signals.push({ kind: "contradicted", identity, instinctKey: null, sessionId: timeline.sessionId, project: timeline.project, timeMs: retryOutcome.step.timeMs, evidence });
      }
      return;
    }
  });
  return { observations, signals };
};

const correctionMarkers =
  /^\s*(?:no|nope|wrong|stop|wait|not that|actually)\b|\binstead\b|\brather than\b|\bnot what i\b|\bthat'?s (?:wrong|not)\b|\bshould (?:use|be|have)\b|\bwe use\b|\bplease use\b|\bwrong (?:one|tool|command|package|file)\b/i;

export const isCorrection = (text: string): boolean => correctionMarkers.test(text);

/**
 * The user corrects the agent right after a tool call, and the agent's next call
 * differs → "when about to run <what it ran>, <do what it did instead>".
 */
export const detectCorrections = (timeline: SessionTimeline, options: DetectionOptions = defaultDetectionOptions): InstinctObservation[] => {
  const observations: InstinctObservation[] = [];
  const { steps } = timeline;
  steps.forEach((message, index) => {
    if (message.event.data.kind !== "user_message" || !isCorrection(textOf(message))) return;
    const before = lastInvocationBefore(steps, index, null);
    if (!before) return;
    const tool = toolNameOf(before.step) ?? "tool";
    for (let i = index + 1; i < Math.min(steps.length, index + 1 + options.lookaheadSteps); i++) {
      const step = steps[i]!;
      if (step.event.data.kind === "user_message") return;
      if (!isToolCall(step)) continue;
      const nextTool = toolNameOf(step) ?? "tool";
      const change = describeChange(textOf(before.step), textOf(step));
      if (!change.isChanged && nextTool === tool) return;
      const outcome = outcomeAfter(steps, i, nextTool, options.lookaheadSteps);
      if (outcome?.step.event.data.success === false) return; // the new behaviour did not work either
      const toolPath = nextTool === tool ? tool : `${tool}→${nextTool}`;
      const head = maskedTokensOf(textOf(before.step)).slice(0, 2).join(" ") || tool;
      observations.push({
        pattern: "user_correction",
        identity: `user_correction|${toolPath}|+${change.added.join(" ")}|-${change.removed.join(" ")}`,
        trigger: truncate(`when about to run "${head}" with ${tool}`, triggerMax),
        action: truncate(change.isChanged ? changeAction("correct", tool, change) : `use ${nextTool} instead of ${tool}`, actionMax),
        sessionId: timeline.sessionId,
        project: timeline.project,
        timeMs: (outcome?.step ?? step).timeMs,
        excerpt: redactExcerpt(`after "${textOf(before.step)}" the user said: "${textOf(message)}"; then "${textOf(step)}"`, 200),
        evidence: [before.step, message, step, ...(outcome ? [outcome.step] : [])],
      });
      return;
    }
  });
  return observations;
};

const rulePrefix = /^(?:please|remember|note|from now on|going forward|in this (?:project|repo(?:sitory)?)|make sure(?: to| you)?|you (?:must|should)|we)\b[\s,:—-]*/i;
const clauseSplit = /\s+\b(before|after|when|whenever|if|while|once)\b\s+/i;

const splitSentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim().replace(/[.!?;]+$/, ""))
    .filter(Boolean);

const stripPrefixes = (sentence: string): string => {
  let current = sentence;
  for (let i = 0; i < 3; i++) {
    const next = current.replace(rulePrefix, "");
    if (next === current) break;
    current = next;
  }
  return current;
};

/** A one-off ("for now", "this time") or an idiom ("never mind", "don't worry") is not a standing rule. */
const notARule = /\b(?:for now|this time|right now|for the moment|today|yet)\b|^(?:never|don'?t|do not)\s+(?:mind|worry|bother)\b/i;

/** A standing instruction in a sentence: always / never / don't / prefer … over …. */
export const parseRule = (sentence: string): { polarity: "do" | "avoid" | `prefer:${string}`; action: string; trigger: string | null; subject: string[] } | null => {
  const body = stripPrefixes(sentence);
  if (notARule.test(body)) return null;
  const prefer = /^(?:always\s+)?prefer\s+(.+?)\s+(?:over|to|instead of|rather than)\s+(.+)$/i.exec(body);
  if (prefer) {
    const [other, connective, when] = prefer[2]!.split(clauseSplit);
    const preferred = prefer[1]!.trim();
    const rest = other!.trim();
    return {
      polarity: `prefer:${contentTokensOf(preferred).join(" ")}`,
      action: `prefer ${preferred} over ${rest}`,
      trigger: connective && when ? `${connective.toLowerCase()} ${when.trim()}` : `choosing between ${preferred} and ${rest}`,
      subject: [...contentTokensOf(preferred), ...contentTokensOf(rest)].sort(compareStrings),
    };
  }
  const marker = /^(always|never|don'?t|do not)\s+(.+)$/i.exec(body);
  if (!marker) return null;
  const polarity = marker[1]!.toLowerCase() === "always" ? "do" : "avoid";
  const [what, connective, when] = marker[2]!.split(clauseSplit);
  const verb = polarity === "do" ? "always" : marker[1]!.toLowerCase() === "never" ? "never" : "do not";
  const subject = contentTokensOf(what!);
  if (subject.length === 0) return null;
  return {
    polarity,
    action: `${verb} ${what!.trim()}`,
    trigger: connective && when ? `${connective.toLowerCase()} ${when.trim()}` : null,
    subject: subject.sort(compareStrings),
  };
};

/** Rules the user states explicitly, one observation per rule sentence. */
export const detectExplicitRules = (timeline: SessionTimeline): InstinctObservation[] =>
  timeline.steps.flatMap((step) => {
    if (step.event.data.kind !== "user_message") return [];
    return splitSentences(redactSecrets(textOf(step))).flatMap((sentence) => {
      const rule = parseRule(sentence);
      if (!rule) return [];
      return [
        {
          pattern: "explicit_rule" as const,
          identity: `explicit_rule|${rule.polarity.startsWith("prefer:") ? "prefer" : rule.polarity}|${rule.subject.join(" ")}`,
          trigger: truncate(rule.trigger ?? "any task in this project", triggerMax),
          action: truncate(rule.action, actionMax),
          sessionId: timeline.sessionId,
          project: timeline.project,
          timeMs: step.timeMs,
          excerpt: redactExcerpt(sentence, 200),
          evidence: [step],
          rule: { subject: rule.subject, polarity: rule.polarity },
        },
      ];
    });
  });

export type SequenceOptions = { minSessions: number; minLength: number; maxLength: number };
export const defaultSequenceOptions: SequenceOptions = { minSessions: 3, minLength: 3, maxLength: 6 };

/**
 * Tool sequences several sessions share: contiguous runs of distinct tools (repeats
 * of one tool collapsed) found in at least `minSessions` sessions. A run is
 * dropped when a longer one covers it and its extra sessions alone would not
 * reach the threshold, so a 4-step habit is one instinct, not three.
 */
export const detectRepeatedSequences = (
  timelines: readonly SessionTimeline[],
  options: SequenceOptions = defaultSequenceOptions,
): InstinctObservation[] => {
  type Occurrence = { timeline: SessionTimeline; steps: SessionStep[] };
  const occurrences = new Map<string, Occurrence[]>();
  for (const timeline of timelines) {
    const calls: SessionStep[] = [];
    for (const step of timeline.steps) {
      if (!isToolCall(step) || toolNameOf(step) === null) continue;
      if (calls.length > 0 && toolNameOf(calls.at(-1)!) === toolNameOf(step)) continue;
      calls.push(step);
    }
    const seenHere = new Set<string>();
    for (let length = options.minLength; length <= options.maxLength; length++) {
      for (let start = 0; start + length <= calls.length; start++) {
        const run = calls.slice(start, start + length);
        const tools = run.map((s) => toolNameOf(s)!);
        if (new Set(tools).size !== tools.length) continue;
        const key = tools.join(" → ");
        if (seenHere.has(key)) continue;
        seenHere.add(key);
        occurrences.set(key, [...(occurrences.get(key) ?? []), { timeline, steps: run }]);
      }
    }
  }
  const frequent = [...occurrences.entries()].filter(([, occ]) => occ.length >= options.minSessions);
  const isCovered = (key: string, sessions: number) =>
    frequent.some(([other, occ]) => other !== key && other.length > key.length && ` → ${other} → `.includes(` → ${key} → `) && sessions - occ.length < options.minSessions);
  return frequent
    .filter(([key, occ]) => !isCovered(key, occ.length))
    .sort(([a], [b]) => compareStrings(a, b))
    .flatMap(([key, occ]) => {
      const tools = key.split(" → ");
      return occ.map(({ timeline, steps }) => ({
        pattern: "repeated_sequence" as const,
        identity: `repeated_sequence|${key}`,
        trigger: truncate(`after ${tools[0]} in a task like this`, triggerMax),
        action: truncate(`continue with ${tools.slice(1).join(", then ")}`, actionMax),
        sessionId: timeline.sessionId,
        project: timeline.project,
        timeMs: steps.at(-1)!.timeMs,
        excerpt: redactExcerpt(`session ${timeline.sessionId}: ${key}`, 200),
        evidence: steps,
      }));
    });
};

/**
 * Advice citations: the agent says it used a derived instinct (attribute `key`);
 * a successful outcome confirms it, a failed one contradicts it.
 */
export const detectAdviceSignals = (timeline: SessionTimeline): InstinctSignal[] =>
  timeline.steps.flatMap((step) => {
    const { kind, attributes, success } = step.event.data;
    if (kind !== "advice_cited" || !attributes.key || success === null) return [];
    return [
      {
        kind: success ? ("confirmed" as const) : ("contradicted" as const),
        identity: null,
        instinctKey: attributes.key,
        sessionId: timeline.sessionId,
        project: timeline.project,
        timeMs: step.timeMs,
        evidence: [step],
      },
    ];
  });
