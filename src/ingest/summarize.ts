/** A bounded, printable summary of any value, for input/output summaries. Never throws. */
export const summarize = (value: unknown, maxChars: number): string => {
  let text: string;
  try {
    text = typeof value === "string" ? value : (JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value));
  } catch {
    // Circular or exotic values still get a summary rather than breaking the wrapped call.
    text = Object.prototype.toString.call(value);
  }
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
};
