import type { Command } from "./command.ts";
export const demoCommand: Command = { name: "demo", summary: "placeholder", usage: "", run: async () => 1 };
