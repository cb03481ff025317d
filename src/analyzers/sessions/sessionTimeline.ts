import { eventTypes } from "../../events/envelope.ts";
import type { SessionObserved } from "../../events/sessionObservation.ts";
import type { SourcedEvent } from "../analyzer.ts";
import { compareStrings } from "../text.ts";

/** One observation of a session, with its position. */
export type SessionStep = SourcedEvent & { event: SessionObserved };

/** A session's observations in order, as the instinct and audit heuristics read them. */
export type SessionTimeline = {
  sessionId: string;
  project: string | null;
  userId: string | null;
  steps: SessionStep[];
};

export const isSessionStep = (sourced: SourcedEvent): sourced is SessionStep => sourced.event.type === eventTypes.sessionObserved;

const compareSteps = (a: SessionStep, b: SessionStep): number =>
  a.timeMs - b.timeMs || (a.event.data.seq ?? 0) - (b.event.data.seq ?? 0) || compareStrings(a.id, b.id);

/** Groups session observations by session, each in (time, seq, id) order; sessions by first step. */
export const buildSessionTimelines = (events: readonly SourcedEvent[]): SessionTimeline[] => {
  const bySession = new Map<string, SessionStep[]>();
  for (const event of events) {
    if (!isSessionStep(event)) continue;
    const id = event.event.data.session_id;
    const steps = bySession.get(id);
    if (steps) steps.push(event);
    else bySession.set(id, [event]);
  }
  return [...bySession.entries()]
    .map(([sessionId, steps]) => {
      const ordered = steps.sort(compareSteps);
      return {
        sessionId,
        project: ordered.find((s) => s.event.data.project !== null)?.event.data.project ?? null,
        userId: ordered.find((s) => s.event.data.user_id !== null)?.event.data.user_id ?? null,
        steps: ordered,
      };
    })
    .sort((a, b) => a.steps[0]!.timeMs - b.steps[0]!.timeMs || compareStrings(a.sessionId, b.sessionId));
};

/** The tool of an invocation or outcome: gen_ai.tool.name, else the `tool` attribute. */
export const toolNameOf = (step: SessionStep): string | null =>
  step.event.data.gen_ai?.tool?.name ?? step.event.data.attributes.tool ?? null;

export const textOf = (step: SessionStep): string => step.event.data.text ?? "";

export const isToolCall = (step: SessionStep): boolean =>
  step.event.data.kind === "tool_invocation" || (step.event.data.kind === "agent_turn" && step.event.data.turn_kind === "tool_call");
