import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { z } from "zod";
import type { DerivedTopic } from "../events/derived/derivedEnvelope.ts";
import { derivedFamilies } from "../events/derived/derivedFamilies.ts";

export const derivedFixturesDir = resolve(import.meta.dirname, "../../test/fixtures/derived");

export type DerivedEventOf<T extends DerivedTopic> = z.infer<(typeof derivedFamilies)[T]["eventSchema"]>;

/** The contract fixtures of a derived topic, by file name, each validated by the family's zod schema. */
export const readDerivedFixtures = <T extends DerivedTopic>(topic: T): Map<string, DerivedEventOf<T>> =>
  new Map(
    readdirSync(join(derivedFixturesDir, topic))
      .filter((file) => file.endsWith(".json"))
      .sort()
      .map((file) => {
        const raw: unknown = JSON.parse(readFileSync(join(derivedFixturesDir, topic, file), "utf8"));
        return [file.replace(/\.json$/, ""), derivedFamilies[topic].eventSchema.parse(raw) as DerivedEventOf<T>];
      }),
  );

/** One fixture by name; throws when it is missing, so a renamed fixture fails loudly. */
export const derivedFixture = <T extends DerivedTopic>(topic: T, name: string): DerivedEventOf<T> => {
  const fixture = readDerivedFixtures(topic).get(name);
  if (!fixture) throw new Error(`no fixture ${name} for ${topic} in ${derivedFixturesDir}`);
  return fixture;
};
