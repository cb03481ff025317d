import { connectWitness } from "../main.ts";
import { formatTopicPlan } from "../topics/topicDrift.ts";
import type { Command } from "./command.ts";

export const topicsCommand: Command = {
  name: "topics",
  summary: "apply topics/topics.json: create what is missing, report drift, destroy nothing",
  usage: "witness topics apply",
  run: async (args, { config, logger, stdout, stderr }) => {
    if (args[0] !== "apply") {
      stderr.write(`${topicsCommand.usage}\n`);
      return 2;
    }
    const connected = await connectWitness(config, logger, (line) => stderr.write(`${line}\n`));
    try {
      stdout.write(`${formatTopicPlan(connected.topics.plan, connected.topics.created).join("\n")}\n`);
      return connected.topics.plan.drift.length > 0 ? 3 : 0;
    } finally {
      await connected.close();
    }
  },
};
