import { userError } from "../errors/witnessError.ts";
import type { EventProducer } from "../ingest/eventProducer.ts";
import type { ProjectionStore } from "../projection/duckdbStore.ts";
import type { Projector } from "../projection/projector.ts";
import { adviceRequestSchema, adviseOn } from "../query/advice.ts";
import { runReadOnlyQuery } from "../query/sqlSandbox.ts";
import type { Routes } from "./httpServer.ts";

export type WitnessRouteDeps = { store: ProjectionStore; producer: EventProducer; projector: Projector };

/** Thin routes: health, read-only SQL, advice, and event ingest over HTTP. */
export const createWitnessRoutes = ({ store, producer, projector }: WitnessRouteDeps): Routes => {
  return {
    "GET /v1/health": async () => ({ status: 200, body: { status: "ok", duckdb: store.path, projector: projector.stats() } }),
    "POST /v1/query": async ({ body }) => {
      const sql = (body as { sql?: unknown } | undefined)?.sql;
      if (typeof sql !== "string" || sql.trim() === "") throw userError("query.body", 'Send {"sql": "SELECT …"}.');
      return { status: 200, body: await store.withQueryConnection((connection) => runReadOnlyQuery(connection, sql)) };
    },
    "GET /v1/advice": async ({ url }) => {
      const parsed = adviceRequestSchema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) throw userError("advice.query", `GET /v1/advice?operation=<endpoint or tool>[&project=…][&limit=5]: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const advice = await store.withQueryConnection((connection) => adviseOn((sql) => runReadOnlyQuery(connection, sql), parsed.data));
      return { status: 200, body: advice };
    },
    "POST /v1/events": async ({ body }) => {
      const events = Array.isArray(body) ? body : [body];
      if (events.length === 0 || events.length > 10_000) throw userError("events.body", "Send one event or an array of 1–10,000 events.");
      await producer.publish(events);
      return { status: 202, body: { accepted: events.length } };
    },
  };
};
