/** Renders rows as an aligned text table for the terminal. */
export const formatTable = (columns: readonly string[], rows: readonly Record<string, unknown>[]): string => {
  const cell = (v: unknown): string => (v === null || v === undefined ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const line = (values: string[]) => values.map((v, i) => fit(v, widths[i]!)).join("  ").trimEnd();
  return [line([...columns]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join("\n");
};

/** A table followed by its row count, as `witness sql` and the list commands print it. */
export const formatRows = (answer: { columns: readonly string[]; rows: readonly Record<string, unknown>[]; isTruncated?: boolean }): string =>
  `${formatTable(answer.columns, answer.rows)}\n(${answer.rows.length} row${answer.rows.length === 1 ? "" : "s"}${answer.isTruncated ? ", truncated" : ""})\n`;
