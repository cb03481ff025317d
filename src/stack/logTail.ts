import { open, stat } from "node:fs/promises";

/** The last `lines` lines of a (possibly large) log file, or "" when it does not exist; for error messages. */
export const readLogTail = async (path: string, lines = 20, maxBytes = 64_000): Promise<string> => {
  try {
    const { size } = await stat(path);
    const handle = await open(path, "r");
    try {
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString("utf8").split("\n").filter((l) => l.trim() !== "").slice(-lines).join("\n");
    } finally {
      await handle.close();
    }
  } catch {
    // No log yet: nothing to show.
    return "";
  }
};
