import type { InputRecord } from "../analyzers/analyzerGroup.ts";
import type { CauseClass } from "../events/derived/diagnosis.ts";
import type { AuditRule } from "../events/derived/evaluation.ts";
import type { InstinctPattern } from "../events/derived/instinct.ts";
import type { RawTopicEvent } from "../events/families.ts";
import type { operationKinds } from "../events/operationObserved.ts";
import { dayMs, hourMs, toIsoTime, type Window } from "../windows/windowSpec.ts";
import { createZonedCalendar } from "../windows/zonedCalendar.ts";
import { noteEvent, operationEvent, toInputRecords } from "./rawEvents.ts";
import { createSeededRandom, type SeededRandom } from "./seededRandom.ts";
import { type ScriptStep, scriptSession } from "./sessionScript.ts";

/**
 * A seeded, labelled corpus of raw events for tests, the demo and benchmarks:
 * planted failure clusters, success-heavy operations, correction→retry
 * patterns, explicit rules, repeated tool sequences, audit violations and users
 * writing notes over days — inside realistic noise — plus the ground truth of
 * what was planted. The same options always give the same events.
 */

export type CorpusOptions = {
  seed: string | number;
  /** First instant of the corpus (a Monday 00:00 UTC by default). */
  startMs: number;
  days: number;
  failureClusters: number;
  successHeavyOperations: number;
  /** Half failure→changed retry, half user correction→changed behaviour; the first is seen in two projects often enough to be global. */
  correctionRetries: number;
  explicitRules: number;
  repeatedSequences: number;
  /** Violations planted per audit rule. */
  auditViolationsPerRule: number;
  users: number;
  noiseOperations: number;
  noiseSessions: number;
  /** Must match the tier analyzers' keep-alive: daily reports continue this long after a user's last note. */
  inactivityKeepAliveMs: number;
  tickEveryMs: number;
  /** Clock ticks continue this long after the last day, so every planted window closes. */
  tailMs: number;
  /** The analyzer groups' grace period, to know which windows the ticks close. */
  graceMs: number;
};

export const defaultCorpusOptions: CorpusOptions = {
  seed: "witness",
  startMs: Date.parse("2025-03-24T00:00:00Z"),
  days: 9,
  failureClusters: 5,
  successHeavyOperations: 4,
  correctionRetries: 6,
  explicitRules: 3,
  repeatedSequences: 2,
  auditViolationsPerRule: 2,
  users: 10,
  noiseOperations: 120,
  noiseSessions: 90,
  inactivityKeepAliveMs: 7 * dayMs,
  tickEveryMs: hourMs,
  tailMs: 9 * dayMs,
  graceMs: 5 * 60_000,
};

export type GroundTruth = {
  failureClusters: Array<{ id: string; cause: CauseClass; endpoints: string[]; failureIds: string[]; avoid: boolean }>;
  successHeavyOperations: Array<{ operation: string; successIds: string[]; hasAvoidNotes: boolean }>;
  instincts: Array<{ id: string; pattern: InstinctPattern; observationIds: string[]; projects: string[]; scope: "project" | "global"; description: string }>;
  auditFindings: Array<{ rule: AuditRule; sessionId: string; triggerEventId: string }>;
  users: Array<{ userId: string; timeZone: string; trajectory: "improving" | "declining" | "volatile" | "stable"; noteDays: string[] }>;
  evaluations: {
    metas: Array<{ userId: string; windowStart: string }>;
    dailies: Array<{ userId: string; date: string; windowStart: string; isInactive: boolean }>;
    weeklies: Array<{ userId: string; weekStart: string }>;
  };
  userTimeZones: Record<string, string>;
  ticksUntilMs: number;
};

export type Corpus = { options: CorpusOptions; events: RawTopicEvent[]; groundTruth: GroundTruth };

type OperationKind = (typeof operationKinds)[number];

const minuteMs = 60_000;

/** A random instant on a given day of the corpus, between two UTC hours. */
const instantOnDay = (random: SeededRandom, options: CorpusOptions, day: number, fromHour = 7, toHour = 21): number =>
  options.startMs + day * dayMs + random.int(fromHour * 60, toHour * 60 - 1) * minuteMs + random.int(0, 59) * 1000;

// ---------------------------------------------------------------------------------------------
// Operations

type ClusterTemplate = {
  cause: CauseClass;
  endpoints: string[];
  kind: OperationKind;
  avoid: boolean;
  error: (r: SeededRandom) => { type: string | null; message: string; code: string | null };
  input: (r: SeededRandom) => string;
};

const regions = ["eu", "us", "apac", "latam"];

/** The success-heavy operations; the first one also carries the first (transient) failure cluster. */
const successHeavyTemplates: Array<{ operation: string; kind: OperationKind; input: (r: SeededRandom) => string; meanMs: number }> = [
  { operation: "POST /v1/search", kind: "endpoint", input: (r) => `search orders for customer c-${r.int(1000, 9999)} in region ${r.pick(regions)}`, meanMs: 180 },
  { operation: "tool:web_fetch", kind: "tool", input: (r) => `fetch https://docs.example.com/guide/${r.int(1, 400)} and extract headings`, meanMs: 650 },
  { operation: "POST /v1/summarize", kind: "llm", input: (r) => `summarize ticket #${r.int(1000, 9999)} thread (${r.int(3, 40)} messages)`, meanMs: 2400 },
  { operation: "job:nightly-report", kind: "job", input: (r) => `rebuild sales report for 2025-03-${String(r.int(1, 28)).padStart(2, "0")}`, meanMs: 9000 },
  { operation: "tool:sql_query", kind: "tool", input: (r) => `select revenue by month for account a-${r.int(100, 999)}`, meanMs: 320 },
  { operation: "POST /v1/translate", kind: "llm", input: (r) => `translate product page p-${r.int(100, 999)} to ${r.pick(["de", "fr", "ja"])}`, meanMs: 1500 },
];

const clusterTemplates: ClusterTemplate[] = [
  {
    cause: "timeout",
    endpoints: ["POST /v1/search"],
    kind: "endpoint",
    avoid: false,
    error: (r) => ({ type: "TimeoutError", code: null, message: `Request to https://search.internal/q?id=${r.int(1000, 99999)} timed out after ${r.pick([5000, 10000, 30000])}ms` }),
    input: (r) => `search orders for customer c-${r.int(1000, 9999)} in region ${r.pick(regions)}`,
  },
  {
    cause: "rate_limit",
    endpoints: ["POST /v1/llm/complete", "POST /v1/embeddings"],
    kind: "llm",
    avoid: true,
    error: (r) => ({ type: "RateLimitError", code: "429", message: `Rate limit reached for org_${r.int(1000, 9999)}: ${r.int(50, 90)} requests per min` }),
    input: (r) => `complete prompt ${r.int(1, 500)} (${r.int(200, 4000)} tokens)`,
  },
  {
    cause: "validation",
    endpoints: ["POST /v1/orders"],
    kind: "endpoint",
    avoid: true,
    error: (r) => ({ type: "ValidationError", code: "422", message: `Validation failed: field "${r.pick(["quantity", "amount", "qty"])}" must be a positive integer (got ${-r.int(1, 50)})` }),
    input: (r) => `create order for customer c-${r.int(1000, 9999)} with ${r.int(1, 9)} items`,
  },
  {
    cause: "dependency",
    endpoints: ["GET /v1/inventory"],
    kind: "endpoint",
    avoid: true,
    error: (r) => ({ type: "Error", code: "ECONNREFUSED", message: `connect ECONNREFUSED 10.0.${r.int(0, 9)}.${r.int(1, 254)}:5432` }),
    input: (r) => `check stock of sku-${r.int(10000, 99999)}`,
  },
  {
    cause: "malformed_model_output",
    endpoints: ["tool:extract_entities"],
    kind: "llm",
    avoid: true,
    error: (r) => ({ type: "SyntaxError", code: null, message: `Could not parse model output as JSON: unexpected end of input at position ${r.int(100, 4000)} (completion cmpl-${r.int(100000, 999999)})` }),
    input: (r) => `extract people and places from note n-${r.int(100, 999)}`,
  },
  {
    cause: "context_overflow",
    endpoints: ["POST /v1/summarize-long"],
    kind: "llm",
    avoid: true,
    error: (r) => ({ type: "InvalidRequestError", code: null, message: `This model's maximum context length is 8192 tokens, however you requested ${r.int(9000, 20000)} tokens` }),
    input: (r) => `summarize contract k-${r.int(100, 999)} (${r.int(40, 120)} pages)`,
  },
  {
    cause: "auth",
    endpoints: ["GET /v1/billing"],
    kind: "endpoint",
    avoid: true,
    error: (r) => ({ type: "AuthError", code: "401", message: `Unauthorized: token for user-${r.int(100, 999)} expired at 2025-03-${String(r.int(10, 28)).padStart(2, "0")}T0${r.int(1, 9)}:00:00Z` }),
    input: (r) => `load invoices for account a-${r.int(100, 999)}`,
  },
];

/** One-off failures: each message is distinct and appears at most twice, days apart. */
const noiseFailureMessages = [
  "Unexpected response shape from upstream: missing key items",
  "Worker crashed with exit code 137",
  "TLS handshake failed: certificate has expired",
  "Cache miss storm detected on shard seven",
  "Deadlock detected while updating ledger rows",
  "Permission bits on the staging bucket look wrong",
  "Cursor already consumed by another reader",
  "Index out of range in batch assembly",
  "Null reference in report renderer",
  "Encoding error: invalid byte sequence for UTF8",
  "Webhook signature mismatch",
  "Job superseded by a newer run",
  "Query planner gave up",
  "Schema drift: column added upstream",
  "Lock wait exceeded on orders table",
];

const noiseEndpoints = ["GET", "POST", "PUT", "DELETE"].flatMap((verb) =>
  [
    "users", "teams", "invoices", "reports", "settings", "webhooks", "exports", "tags", "notifications", "audit-log",
    "sessions", "files", "projects", "comments", "labels", "roles", "keys", "quotas", "plans", "coupons",
  ].map((resource) => `${verb} /v1/${resource}`),
);

const plantOperations = (random: SeededRandom, options: CorpusOptions, events: RawTopicEvent[], truth: GroundTruth): void => {
  const r = random.fork("operations");
  let counter = 0;
  const op = (prefix: string, timeMs: number, data: Parameters<typeof operationEvent>[1]) => {
    const id = `op-${prefix}-${String(counter++).padStart(5, "0")}`;
    events.push(operationEvent({ id, timeMs, source: r.pick(["agent/planner", "agent/worker", "service/gateway"]) }, data));
    return id;
  };
  const durationAround = (meanMs: number) => Math.round(meanMs * (0.5 + r.next() + (r.chance(0.05) ? 2 : 0)));

  // Success-heavy operations: successes spread over the days, the odd unrelated failure.
  const heavy = successHeavyTemplates.slice(0, options.successHeavyOperations);
  for (const template of heavy) {
    const successIds: string[] = [];
    const count = r.int(12, 24);
    for (let i = 0; i < count; i++) {
      const timeMs = instantOnDay(r, options, r.int(0, options.days - 1), 0, 24);
      successIds.push(op("s", timeMs, { operation: template.operation, kind: template.kind, success: true, duration_ms: durationAround(template.meanMs), input_summary: template.input(r), output_summary: "ok" }));
    }
    truth.successHeavyOperations.push({ operation: template.operation, successIds, hasAvoidNotes: false });
  }

  // Failure clusters: a burst of a few hours on one day.
  clusterTemplates.slice(0, options.failureClusters).forEach((template, index) => {
    const day = r.int(1, Math.max(1, options.days - 2));
    const burstStartMs = instantOnDay(r, options, day, 6, 14);
    const burstMs = r.int(1, 4) * hourMs;
    const failureIds: string[] = [];
    const size = r.int(6, 12);
    for (let i = 0; i < size; i++) {
      const timeMs = burstStartMs + r.int(0, burstMs / 1000) * 1000;
      const endpoint = template.endpoints[i % template.endpoints.length]!;
      const error = template.error(r);
      failureIds.push(op(`c${index + 1}`, timeMs, { operation: endpoint, kind: template.kind, success: false, duration_ms: template.cause === "timeout" ? 30_000 : r.int(20, 400), input_summary: template.input(r), error }));
    }
    const heavyHome = truth.successHeavyOperations.find((h) => template.endpoints.includes(h.operation));
    if (heavyHome) {
      heavyHome.hasAvoidNotes = true;
      // Successes within the burst: the endpoint works in between, so a transient cause is not "avoid".
      const heavyTemplate = heavy.find((h) => h.operation === heavyHome.operation)!;
      for (let i = 0; i < 3; i++) {
        const timeMs = burstStartMs + r.int(0, burstMs / 1000) * 1000;
        heavyHome.successIds.push(op("s", timeMs, { operation: heavyHome.operation, kind: heavyTemplate.kind, success: true, duration_ms: durationAround(heavyTemplate.meanMs), input_summary: heavyTemplate.input(r), output_summary: "ok" }));
      }
    }
    truth.failureClusters.push({ id: `cluster-${index + 1}`, cause: template.cause, endpoints: [...template.endpoints].sort(), failureIds, avoid: template.avoid });
  });

  // Noise: long-tail endpoints called at most twice (never enough for a playbook), and one-off failures.
  if (options.noiseOperations > 2 * noiseEndpoints.length) throw new RangeError(`at most ${2 * noiseEndpoints.length} noise operations`);
  const endpoints = r.shuffle(noiseEndpoints);
  let used = 0;
  const failurePool = r.shuffle(noiseFailureMessages.flatMap((m) => [m, m]));
  for (let i = 0; i < options.noiseOperations; i++) {
    const endpoint = endpoints[Math.floor(used++ / 2) % endpoints.length]!;
    const isFailure = r.chance(0.15) && failurePool.length > 0;
    const day = r.int(0, options.days - 1);
    const message = isFailure ? failurePool.pop()! : null;
    op("n", instantOnDay(r, options, day, 0, 24), {
      operation: endpoint,
      success: !isFailure,
      duration_ms: r.int(15, 900),
      input_summary: `${endpoint.split(" ")[0]!.toLowerCase()} ${endpoint.split("/").pop()} ${r.pick(["page 1", "for team t-4", "latest", "by id", "with filters"])}`,
      error: message ? { type: null, message, code: null } : null,
    });
  }
  // A single unrelated failure on each success-heavy operation.
  for (const template of heavy) {
    op("n", instantOnDay(r, options, r.int(0, options.days - 1)), { operation: template.operation, kind: template.kind, success: false, duration_ms: r.int(50, 500), input_summary: template.input(r), error: { type: null, message: `Upstream returned an empty body for ${template.operation}`, code: null } });
  }
};

// ---------------------------------------------------------------------------------------------
// Sessions

const projects = ["shop", "blog", "infra"];

type SessionPlanter = (sessionId: string, project: string, userId: string, steps: readonly ScriptStep[], day?: number) => string[];

type InstinctPlan = { pattern: InstinctPattern; description: string; sessions: Array<{ project: string }>; script: (r: SeededRandom, n: number) => ScriptStep[]; scope: "project" | "global" };

const packages = ["lodash", "zod", "dayjs", "pino", "undici", "yaml"];
const modules = ["orders", "billing", "users", "search"];

const correctionRetryPlans = (r: SeededRandom): InstinctPlan[] => {
  const spread = (count: number, homes: string[]) => Array.from({ length: count }, (_, i) => ({ project: homes[i % homes.length]! }));
  return [
    {
      pattern: "failure_retry",
      description: "jest times out → retry with --runInBand (seen in two projects, often: global)",
      scope: "global",
      sessions: spread(22, ["shop", "blog"]),
      script: (rr) => [
        { user: rr.pick(["run the test suite", "run the tests please", "can you run the unit tests?"]) },
        { call: "bash", input: "npm test" },
        { outcome: "bash", ok: false, error: `Jest worker exceeded timeout of ${rr.pick([5000, 10000])}ms` },
        { call: "bash", input: "npm test -- --runInBand" },
        { outcome: "bash", ok: true, output: `${rr.int(40, 300)} tests passed` },
        { assistant: "All tests pass now." },
      ],
    },
    {
      pattern: "user_correction",
      description: "npm install → the user says pnpm → pnpm add",
      scope: "project",
      sessions: spread(r.int(3, 5), ["shop"]),
      script: (rr) => {
        const pkg = rr.pick(packages);
        return [
          { user: `add ${pkg} to the project` },
          { call: "bash", input: `npm install ${pkg}` },
          { outcome: "bash", ok: true },
          { user: rr.pick(["no, we use pnpm in this repo", "No — use pnpm here, not npm", "wrong package manager, we use pnpm"]) },
          { call: "bash", input: `pnpm add ${pkg}` },
          { outcome: "bash", ok: true },
          { assistant: `Added ${pkg} with pnpm.` },
        ];
      },
    },
    {
      pattern: "failure_retry",
      description: "pytest cannot import the package → retry with PYTHONPATH=src",
      scope: "project",
      sessions: spread(r.int(3, 5), ["infra"]),
      script: (rr) => {
        const mod = rr.pick(modules);
        return [
          { user: "run the api tests" },
          { call: "bash", input: `pytest tests/test_${mod}.py` },
          { outcome: "bash", ok: false, error: `ModuleNotFoundError: No module named '${mod}'` },
          { call: "bash", input: `PYTHONPATH=src pytest tests/test_${mod}.py` },
          { outcome: "bash", ok: true },
          { assistant: "Passing now." },
        ];
      },
    },
    {
      pattern: "user_correction",
      description: "yarn build → the user says make → make build",
      scope: "project",
      sessions: spread(r.int(2, 4), ["blog"]),
      script: (rr) => [
        { user: "build the frontend" },
        { call: "bash", input: "yarn build" },
        { outcome: "bash", ok: true },
        { user: rr.pick(["no, use the make target instead", "we use make for builds, not yarn", "actually, run it through make"]) },
        { call: "bash", input: "make build" },
        { outcome: "bash", ok: true },
        { assistant: "Built with make." },
      ],
    },
    {
      pattern: "failure_retry",
      description: "429 from the items API → retry with --retry-after",
      scope: "project",
      sessions: spread(r.int(3, 4), ["shop", "infra"]),
      script: (rr) => {
        const page = rr.int(1, 40);
        return [
          { user: `fetch page ${page} of the items API` },
          { call: "http_get", input: `GET https://api.example.com/v2/items?page=${page}` },
          { outcome: "http_get", ok: false, error: "Too Many Requests", code: "429" },
          { call: "http_get", input: `GET https://api.example.com/v2/items?page=${page} --retry-after 2` },
          { outcome: "http_get", ok: true },
          { assistant: "Fetched the page." },
        ];
      },
    },
    {
      pattern: "user_correction",
      description: "manage.py migrate → the user says docker compose → docker compose run web …",
      scope: "project",
      sessions: spread(r.int(2, 4), ["infra"]),
      script: (rr) => [
        { user: "apply the database migrations" },
        { call: "bash", input: "python3 manage.py migrate" },
        { outcome: "bash", ok: true },
        { user: rr.pick(["no, run migrations through docker compose", "actually, use docker compose for that", "that's wrong, migrations run inside docker compose"]) },
        { call: "bash", input: "docker compose run web python3 manage.py migrate" },
        { outcome: "bash", ok: true },
        { assistant: "Migrations applied in the container." },
      ],
    },
  ];
};

const rulePlans: Array<{ description: string; wordings: string[] }> = [
  { description: "always run the linter before committing", wordings: ["Always run the linter before committing.", "Please always run lint before you commit.", "Remember: always run the linter before committing"] },
  { description: "never push directly to main", wordings: ["Never push directly to main.", "Please never push directly to main", "Don't push directly to main."] },
  { description: "prefer ripgrep over grep", wordings: ["Prefer ripgrep over grep when searching the code.", "Please prefer ripgrep over grep.", "prefer ripgrep over grep when you search"] },
  { description: "always add a changelog entry", wordings: ["Always add a changelog entry for user-facing changes.", "always add a changelog entry for user facing changes"] },
];

const sequencePlans: Array<{ description: string; steps: (r: SeededRandom, n: number) => ScriptStep[] }> = [
  {
    description: "git_status → run_tests → git_commit",
    steps: (r, n) => [
      { user: r.pick(["ship the change", "commit what we have", "wrap this up and commit"]) },
      { call: "git_status", input: "git status --short" },
      { outcome: "git_status", ok: true },
      { call: "run_tests", input: "npm test" },
      { outcome: "run_tests", ok: true },
      { call: "git_commit", input: `git commit -m "change ${n}"` },
      { outcome: "git_commit", ok: true },
      { assistant: "Committed." },
    ],
  },
  {
    description: "read_file → edit_file → run_typecheck",
    steps: (r) => {
      const file = r.pick(["src/config.ts", "src/server.ts", "src/db.ts"]);
      return [
        { user: `update ${file} to read the new setting` },
        { call: "read_file", input: file },
        { outcome: "read_file", ok: true },
        { call: "edit_file", input: file },
        { outcome: "edit_file", ok: true },
        { call: "run_typecheck", input: "tsc --noEmit" },
        { outcome: "run_typecheck", ok: true },
        { assistant: "Updated and type-checked." },
      ];
    },
  },
  {
    description: "list_dir → search_code → open_pr",
    steps: (r) => [
      { user: "find the dead code and open a PR removing it" },
      { call: "list_dir", input: "src" },
      { outcome: "list_dir", ok: true },
      { call: "search_code", input: `unused export ${r.pick(["helpers", "legacy", "compat"])}` },
      { outcome: "search_code", ok: true },
      { call: "open_pr", input: "remove dead code" },
      { outcome: "open_pr", ok: true },
      { assistant: "PR opened." },
    ],
  },
];

const auditPlans: Record<AuditRule, (r: SeededRandom) => ScriptStep[]> = {
  intent_without_action: (r) => [
    { user: r.pick(["Please deploy the staging build", "Can you restart the worker service?", "Run the nightly export now"]) },
    { assistant: r.pick(["Done, it is deployed.", "I have restarted it.", "The export has been started."]) },
  ],
  code_without_tools: (r) => [
    { user: r.pick(["write a helper that formats dates", "add a function to parse the CSV header"]) },
    { assistant: "Here it is:\n```ts\nexport const formatDate = (d: Date) => d.toISOString().slice(0, 10);\n```" },
  ],
  reported_mismatch: () => [
    { user: "open the export dialog" },
    { call: "ui_render", input: "render export dialog" },
    { outcome: "ui_render", ok: true },
    { audit: "workspace_mismatch", expected: "Save, Cancel, Export", observed: "Save, Cancel" },
    { assistant: "The dialog is open." },
  ],
};

const noiseTools = ["read_file", "edit_file", "bash", "search_code", "list_dir", "git_diff", "web_fetch", "run_tests", "git_status"];
const noiseRequests = [
  "check the logs for errors",
  "list the open pull requests",
  "show me the failing job",
  "update the README",
  "search the code for TODOs",
  "read the config file",
  "rename the helper",
  "find usages of parseDate",
  "fix the typo in the header",
  "review the latest diff",
];

/** Failures fixed once by a changed retry: each pair happens in one session only, so none is a lesson yet. */
const oneOffFixes: Array<[string, string, string]> = [
  ["npm run build", "Cannot find module 'left-pad'", "npm ci && npm run build"],
  ["cargo test", "linker cc not found", "cargo test --target x86_64-unknown-linux-musl"],
  ["go test ./...", "build constraints exclude all Go files", "go test -tags integration ./..."],
  ["make docs", "sphinx-build: command not found", "pip install sphinx && make docs"],
  ["terraform plan", "Error acquiring the state lock", "terraform plan -lock=false"],
  ["docker build .", "no space left on device", "docker system prune -f && docker build ."],
  ["mvn package", "Could not resolve dependencies for project", "mvn -U package"],
  ["bundle exec rspec", "Could not find gem 'rspec'", "bundle install && bundle exec rspec"],
];

/** Chit-chat that looks like a rule or a request but is neither. */
const deceptiveMessages = ["Don't worry about the docs for now.", "Never mind, that's fine.", "I never use that flag myself.", "Don't touch the README this time."];

const noiseSessionSteps = (r: SeededRandom, fixes: Array<[string, string, string]>): ScriptStep[] => {
  const kind = r.next();
  if (kind < 0.07 && fixes.length > 0) {
    const [command, error, fixed] = fixes.pop()!;
    return [{ user: "build it" }, { call: "bash", input: command }, { outcome: "bash", ok: false, error }, { call: "bash", input: fixed }, { outcome: "bash", ok: true }, { assistant: "Built." }];
  }
  if (kind < 0.12) return [{ user: r.pick(deceptiveMessages) }, { assistant: "Okay." }];
  if (kind < 0.22) return [{ user: r.pick(["thanks!", "great, thank you", "ok"]) }, { assistant: "You're welcome." }];
  if (kind < 0.35) {
    return [{ user: r.pick(["What does this error mean?", "why is the build slow?", "how does the cache work?"]) }, { assistant: "It comes from the retry policy; nothing to change." }];
  }
  const steps: ScriptStep[] = [{ user: r.pick(noiseRequests) }];
  const calls = r.chance(0.25) ? 3 : r.int(1, 2);
  const tools = r.shuffle(noiseTools).slice(0, calls);
  for (const tool of tools) {
    const input = `${tool} ${r.pick(["src", "README.md", "logs/app.log", "--all", "HEAD~1"])}`;
    steps.push({ call: tool, input });
    if (r.chance(0.08)) {
      // A flaky failure retried unchanged: no lesson in it.
      steps.push({ outcome: tool, ok: false, error: "temporary failure, try again" }, { call: tool, input });
    }
    steps.push({ outcome: tool, ok: true });
  }
  if (r.chance(0.1)) steps.push({ audit: "workspace_mismatch", expected: "Save, Cancel", observed: "Cancel, Save" });
  steps.push({ assistant: r.pick(["Done.", "Here is what I found.", "Updated."]) });
  return steps;
};

const plantSessions = (random: SeededRandom, options: CorpusOptions, events: RawTopicEvent[], truth: GroundTruth, userIds: string[]): void => {
  const r = random.fork("sessions");
  let counter = 0;
  const plant: SessionPlanter = (label, project, userId, steps, day) => {
    const sessionId = `ses-${label}-${String(counter++).padStart(4, "0")}`;
    const startMs = instantOnDay(r, options, day ?? r.int(0, options.days - 1), 6, 20);
    const sessionEvents = scriptSession({ sessionId, project, userId, startMs, stepMs: r.int(15, 60) * 1000 }, steps);
    events.push(...sessionEvents);
    return sessionEvents.map((e) => e.id);
  };

  correctionRetryPlans(r).slice(0, options.correctionRetries).forEach((plan, index) => {
    const observationIds = plan.sessions.flatMap(({ project }, n) => plant(`k${index + 1}`, project, r.pick(userIds), plan.script(r, n)));
    truth.instincts.push({
      id: `correction-${index + 1}`,
      pattern: plan.pattern,
      observationIds,
      projects: [...new Set(plan.sessions.map((s) => s.project))].sort(),
      scope: plan.scope,
      description: plan.description,
    });
  });

  rulePlans.slice(0, options.explicitRules).forEach((plan, index) => {
    const count = r.int(2, 4);
    const homes = r.shuffle(projects);
    const observationIds: string[] = [];
    const used = new Set<string>();
    for (let n = 0; n < count; n++) {
      const project = homes[n % 2]!;
      used.add(project);
      const wording = plan.wordings[n % plan.wordings.length]!;
      const steps: ScriptStep[] = [{ user: r.chance(0.5) ? `Thanks. ${wording}` : wording }, { assistant: "Understood, I will do that." }];
      observationIds.push(...plant(`r${index + 1}`, project, r.pick(userIds), steps));
    }
    truth.instincts.push({ id: `rule-${index + 1}`, pattern: "explicit_rule", observationIds, projects: [...used].sort(), scope: "project", description: plan.description });
  });

  sequencePlans.slice(0, options.repeatedSequences).forEach((plan, index) => {
    const count = r.int(3, 5);
    const project = r.pick(projects);
    const observationIds = Array.from({ length: count }, (_, n) => plant(`q${index + 1}`, project, r.pick(userIds), plan.steps(r, n))).flat();
    truth.instincts.push({ id: `sequence-${index + 1}`, pattern: "repeated_sequence", observationIds, projects: [project], scope: "project", description: plan.description });
  });

  for (const rule of Object.keys(auditPlans) as AuditRule[]) {
    for (let n = 0; n < options.auditViolationsPerRule; n++) {
      const steps = auditPlans[rule](r);
      const ids = plant(`a-${rule.replaceAll("_", "-")}`, r.pick(projects), r.pick(userIds), steps);
      const triggerIndex = rule === "intent_without_action" ? 0 : rule === "code_without_tools" ? 1 : 3;
      truth.auditFindings.push({ rule, sessionId: ids[0]!.replace(/-\d+$/, ""), triggerEventId: ids[triggerIndex]! });
    }
  }

  const fixes = r.shuffle(oneOffFixes);
  for (let n = 0; n < options.noiseSessions; n++) plant("n", r.pick(projects), r.pick(userIds), noiseSessionSteps(r, fixes));
};

// ---------------------------------------------------------------------------------------------
// Notes and the tiered evaluator's expectations

const timeZones = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Asia/Kolkata",
  "Australia/Sydney",
  "America/Los_Angeles",
  "Asia/Tokyo",
  "Europe/London",
  "America/Sao_Paulo",
  "Pacific/Auckland",
];
const trajectories = ["improving", "declining", "volatile", "stable"] as const;
const topics = ["deployment", "billing", "search", "onboarding", "testing", "migration", "dashboard"];

const positiveNotes = [
  "User was happy with how the {t} went.",
  "Good progress on {t}; the user seemed pleased.",
  "The {t} fix works and the user said thanks.",
  "Smooth session on {t}, user confident.",
];
const negativeNotes = [
  "User got frustrated when the {t} failed again.",
  "User was confused by the {t} setup.",
  "Slow progress on {t}; the user felt stuck.",
  "The {t} broke and the user was annoyed.",
];
const neutralNotes = ["Discussed the {t} plan.", "User asked about {t} options.", "Reviewed {t} notes together."];

/** Probability that a note is positive on day `day` of `days` for a planted trajectory. */
const positiveShare = (trajectory: (typeof trajectories)[number], day: number, days: number): number => {
  if (trajectory === "improving") return 0.15 + (0.7 * day) / Math.max(1, days - 1);
  if (trajectory === "declining") return 0.85 - (0.7 * day) / Math.max(1, days - 1);
  if (trajectory === "volatile") return day % 2 === 0 ? 0.9 : 0.1;
  return 0.5;
};

const plantNotes = (random: SeededRandom, options: CorpusOptions, events: RawTopicEvent[], truth: GroundTruth): string[] => {
  const r = random.fork("notes");
  const userIds = Array.from({ length: options.users }, (_, i) => `u${String(i + 1).padStart(2, "0")}`);
  const endMs = options.startMs + options.days * dayMs;
  userIds.forEach((userId, index) => {
    const timeZone = timeZones[index % timeZones.length]!;
    const calendar = createZonedCalendar(timeZone);
    const trajectory = trajectories[index % trajectories.length]!;
    const userTopics = r.shuffle(topics).slice(0, r.int(2, 3));
    // Every third user stops writing after a few days: they must still get (inactive) daily reports.
    const lastDay = index % 3 === 2 ? r.int(2, 4) : options.days - 1;
    const noteTimes: number[] = [];
    for (let day = 0; day <= lastDay; day++) {
      if (day > 0 && day < lastDay && !r.chance(0.7)) continue;
      const perDay = r.int(1, 5);
      for (let n = 0; n < perDay; n++) {
        const local = calendar.localTimeOf(options.startMs + day * dayMs + 12 * hourMs);
        const timeMs = calendar.instantOf(local, r.int(7, 21)) + r.int(0, 59) * minuteMs + r.int(0, 59) * 1000;
        if (timeMs >= options.startMs && timeMs < endMs) noteTimes.push(timeMs);
      }
    }
    noteTimes.sort((a, b) => a - b);
    noteTimes.forEach((timeMs, n) => {
      const day = Math.floor((timeMs - options.startMs) / dayMs);
      const roll = r.next();
      const share = positiveShare(trajectory, day, options.days);
      const pool = roll < 0.2 ? neutralNotes : r.next() < share ? positiveNotes : negativeNotes;
      const note = r.pick(pool).replace("{t}", r.pick(userTopics));
      events.push(noteEvent({ id: `note-${userId}-${String(n).padStart(4, "0")}`, timeMs, source: "agent/flash-notes" }, { user_id: userId, note, session_id: null, turn: n, project: null }));
    });
    truth.userTimeZones[userId] = timeZone;
    truth.users.push({ userId, timeZone, trajectory, noteDays: [...new Set(noteTimes.map((t) => calendar.isoDateOf(t)))] });
    addEvaluationTruth(truth, options, userId, calendar, noteTimes);
  });
  return userIds;
};

/** What the tiered evaluator must emit for one user, from the note times alone. */
const addEvaluationTruth = (
  truth: GroundTruth,
  options: CorpusOptions,
  userId: string,
  calendar: ReturnType<typeof createZonedCalendar>,
  noteTimes: readonly number[],
): void => {
  if (noteTimes.length === 0) return;
  const closedBy = truth.ticksUntilMs - options.graceMs;
  const inWindow = (window: Window) => noteTimes.filter((t) => t >= window.startMs && t < window.endMs);

  for (const startMs of new Set(noteTimes.map((t) => calendar.quarterDayOf(t).startMs))) {
    truth.evaluations.metas.push({ userId, windowStart: toIsoTime(startMs) });
  }

  // Daily reports: every day with notes; a day without notes while the keep-alive after the
  // latest earlier note runs; once it runs out, nothing until the next note.
  const activeDays: Window[] = [];
  let day = calendar.dayOf(noteTimes[0]!);
  while (day.endMs <= closedBy) {
    const notes = inWindow(day);
    const previous = noteTimes.filter((t) => t < day.startMs).at(-1);
    if (notes.length > 0) activeDays.push(day);
    if (notes.length > 0 || (previous !== undefined && day.startMs < previous + options.inactivityKeepAliveMs)) {
      truth.evaluations.dailies.push({ userId, date: calendar.isoDateOf(day.startMs), windowStart: toIsoTime(day.startMs), isInactive: notes.length === 0 });
    }
    if (noteTimes.every((t) => t < day.startMs) && previous !== undefined && day.startMs >= previous + options.inactivityKeepAliveMs) break;
    day = calendar.dayOf(day.endMs);
  }

  const weeks = new Map<number, { window: Window; active: number }>();
  for (const active of activeDays) {
    const week = calendar.weekOf(active.startMs);
    const entry = weeks.get(week.startMs) ?? { window: week, active: 0 };
    entry.active++;
    weeks.set(week.startMs, entry);
  }
  for (const { window, active } of weeks.values()) {
    if (active >= 2 && window.endMs <= closedBy) truth.evaluations.weeklies.push({ userId, weekStart: calendar.isoDateOf(window.startMs) });
  }
};

// ---------------------------------------------------------------------------------------------

export const generateCorpus = (overrides: Partial<CorpusOptions> = {}): Corpus => {
  const options = { ...defaultCorpusOptions, ...overrides };
  if (options.failureClusters > clusterTemplates.length) throw new RangeError(`at most ${clusterTemplates.length} failure clusters`);
  if (options.successHeavyOperations > successHeavyTemplates.length) throw new RangeError(`at most ${successHeavyTemplates.length} success-heavy operations`);
  if (options.correctionRetries > 6 || options.explicitRules > rulePlans.length || options.repeatedSequences > sequencePlans.length) {
    throw new RangeError("too many planted instinct patterns for the built-in templates");
  }
  const random = createSeededRandom(options.seed);
  const events: RawTopicEvent[] = [];
  const truth: GroundTruth = {
    failureClusters: [],
    successHeavyOperations: [],
    instincts: [],
    auditFindings: [],
    users: [],
    evaluations: { metas: [], dailies: [], weeklies: [] },
    userTimeZones: {},
    ticksUntilMs: options.startMs + options.days * dayMs + options.tailMs,
  };
  const userIds = plantNotes(random, options, events, truth);
  plantOperations(random, options, events, truth);
  plantSessions(random, options, events, truth, userIds);
  events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { options, events, groundTruth: truth };
};

/** The corpus as Kafka records: partitioned by subject, with hourly clock ticks on every partition until every window closes. */
export const corpusRecords = (corpus: Corpus, partitionCount = 3): InputRecord[] =>
  toInputRecords(corpus.events, {
    partitionCount,
    tickEveryMs: corpus.options.tickEveryMs,
    ticksFromMs: corpus.options.startMs,
    ticksUntilMs: corpus.groundTruth.ticksUntilMs,
  });
