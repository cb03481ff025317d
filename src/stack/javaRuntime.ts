import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { userError } from "../errors/witnessError.ts";

export type JavaRuntime = {
  /** Absolute path of the `java` binary, or `java` when found on PATH. */
  javaPath: string;
  version: string;
  major: number;
  /** Where it was found: `javaHome`, `PATH` or the JDK directory scanned. */
  source: string;
};

/** "1.8.0_392" → 8, "17.0.15" → 17, "25" → 25, "21-ea" → 21. */
export const javaMajorOf = (version: string): number | undefined => {
  const parts = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!parts) return undefined;
  const first = Number(parts[1]);
  return first === 1 && parts[2] !== undefined ? Number(parts[2]) : first;
};

/** The version in `java -version` output (printed to stderr), e.g. `openjdk version "17.0.15" 2025-04-15`. */
export const parseJavaVersionOutput = (output: string): string | undefined =>
  /(?:java|openjdk) version "([^"]+)"/.exec(output)?.[1];

/** The version in a JDK's `release` file: `JAVA_VERSION="25.0.3"`. */
export const parseJavaReleaseFile = (text: string): string | undefined =>
  /^JAVA_VERSION="([^"]+)"/m.exec(text)?.[1];

const probeJavaBinary = (javaPath: string, source: string): Promise<JavaRuntime | undefined> =>
  new Promise((resolve) => {
    execFile(javaPath, ["-version"], { timeout: 15_000 }, (error, stdout, stderr) => {
      const version = error ? undefined : parseJavaVersionOutput(`${stderr}\n${stdout}`);
      const major = version ? javaMajorOf(version) : undefined;
      resolve(version && major ? { javaPath, version, major, source } : undefined);
    });
  });

const runtimeInHome = async (home: string, source: string): Promise<JavaRuntime | undefined> => {
  const javaPath = join(home, "bin", "java");
  if (!existsSync(javaPath)) return undefined;
  const releasePath = join(home, "release");
  const version = existsSync(releasePath) ? parseJavaReleaseFile(readFileSync(releasePath, "utf8")) : undefined;
  const major = version ? javaMajorOf(version) : undefined;
  if (version && major) return { javaPath, version, major, source };
  return probeJavaBinary(javaPath, source);
};

/** Directories where JDKs are commonly installed (Debian/Ubuntu, RHEL, SDKMAN, IntelliJ, macOS). */
export const defaultJdkRoots = (): string[] => [
  "/usr/lib/jvm",
  "/usr/java",
  "/opt/java",
  join(homedir(), ".sdkman", "candidates", "java"),
  join(homedir(), ".jdks"),
  "/Library/Java/JavaVirtualMachines",
];

const jdkHomesUnder = (root: string): string[] => {
  if (!existsSync(root)) return [];
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .flatMap((entry) => [join(root, entry.name), join(root, entry.name, "Contents", "Home")]);
  } catch {
    // An unreadable directory simply holds no JDK we can use.
    return [];
  }
};

export type JavaSearchOptions = {
  /** Checked first, e.g. from JAVA_HOME. */
  javaHome?: string;
  /** Directories whose subdirectories are JDK homes; defaults to the usual install locations. */
  jdkRoots?: string[];
};

/**
 * Every Java runtime found, in order of preference: `javaHome`, then `java`
 * on PATH, then installed JDKs newest first. Duplicates (symlinks, PATH
 * pointing into a scanned JDK) are harmless.
 */
export const listJavaRuntimes = async ({ javaHome, jdkRoots = defaultJdkRoots() }: JavaSearchOptions = {}): Promise<JavaRuntime[]> => {
  const preferred = await Promise.all([
    javaHome ? runtimeInHome(javaHome, "javaHome") : undefined,
    probeJavaBinary("java", "PATH"),
  ]);
  const installed = await Promise.all(jdkRoots.flatMap(jdkHomesUnder).map((home) => runtimeInHome(home, home)));
  const found = (runtimes: (JavaRuntime | undefined)[]) => runtimes.filter((r): r is JavaRuntime => r !== undefined);
  return [...found(preferred), ...found(installed).sort((a, b) => b.major - a.major)];
};

/** The first runtime of at least `minimumMajor`, or undefined. */
export const pickJavaRuntime = (runtimes: readonly JavaRuntime[], minimumMajor: number): JavaRuntime | undefined =>
  runtimes.find((r) => r.major >= minimumMajor);

export const describeJavaRuntimes = (runtimes: readonly JavaRuntime[]): string =>
  runtimes.length === 0 ? "no Java runtime at all" : runtimes.map((r) => `Java ${r.version} (${r.source})`).join(", ");

/** Like pickJavaRuntime, but says what to install when nothing fits. */
export const requireJavaRuntime = (runtimes: readonly JavaRuntime[], minimumMajor: number, purpose: string): JavaRuntime => {
  const runtime = pickJavaRuntime(runtimes, minimumMajor);
  if (runtime) return runtime;
  throw userError(
    "stack.java-missing",
    `${purpose} needs Java ${minimumMajor} or newer, but this machine has ${describeJavaRuntimes(runtimes)}. ` +
      `Install a JDK ${minimumMajor}+ (e.g. \`apt-get install openjdk-${Math.max(minimumMajor, 21)}-jdk-headless\` or Eclipse Temurin from adoptium.net) ` +
      "and set JAVA_HOME to it, or point Witness at an existing cluster with KAFKA_BROKERS and SCHEMA_REGISTRY_URL.",
  );
};
