import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { externalError, userError } from "../errors/witnessError.ts";
import { runMavenWithProgress } from "./maven.ts";

export type RegistryArtifacts = { appDir: string; runnerJar: string; fetchedNow: boolean };

export type FetchRegistryOptions = {
  version: string;
  /** The directory this registry version lives in, e.g. `<stack>/artifacts/apicurio-registry-3.3.3`. */
  home: string;
  onProgress: (line: string) => void;
  mavenCommand?: string;
  signal?: AbortSignal;
};

/** Maven coordinates of Apicurio's runnable distribution: a tar.gz with classifier `all`. */
export const registryArtifactCoordinates = (version: string): string => `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;

/**
 * The jar to run in an unpacked Quarkus application: `quarkus-run.jar` in the
 * fast-jar layout (3.1+), `<name>-runner.jar` in the legacy layout (3.0.x).
 */
export const pickRunnerJar = (fileNames: readonly string[]): string | undefined =>
  fileNames.find((f) => f === "quarkus-run.jar") ?? fileNames.find((f) => f.endsWith("-runner.jar"));

const completeMarker = ".complete";

const untar = (archive: string, into: string, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn("tar", ["-xzf", archive, "-C", into], { stdio: ["ignore", "ignore", "pipe"], signal });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT"
        ? userError("stack.tar-missing", "`tar` is not installed; install it (e.g. `apt-get install tar`) so the local stack can unpack Apicurio Registry.", error)
        : externalError("stack.untar-failed", `Could not unpack ${archive}: ${error.message}`, error)));
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(externalError("stack.untar-failed", `Unpacking ${archive} failed (tar exit ${code}): ${stderr.trim()}. Delete ${into} and run again.`)));
  });

/** Fetches and unpacks the registry once; later calls find it in `home/app`. */
export const fetchRegistry = async ({ version, home, onProgress, mavenCommand, signal }: FetchRegistryOptions): Promise<RegistryArtifacts> => {
  const appDir = join(home, "app");
  if (existsSync(join(home, completeMarker)) && existsSync(appDir)) {
    const runnerJar = pickRunnerJar(await readdir(appDir));
    if (runnerJar) return { appDir, runnerJar: join(appDir, runnerJar), fetchedNow: false };
  }

  onProgress(`Fetching Apicurio Registry ${version} from Maven Central (first run only; about 160 MB)…`);
  await mkdir(home, { recursive: true });
  const downloadDir = join(home, "download");
  await runMavenWithProgress({ label: `Apicurio Registry ${version}`, onProgress, args: ["dependency:copy", `-Dartifact=${registryArtifactCoordinates(version)}`, `-DoutputDirectory=${downloadDir}`], cwd: home, mavenCommand, signal });
  const archive = (await readdir(downloadDir)).find((f) => f.endsWith(".tar.gz"));
  if (!archive) throw externalError("stack.registry-archive-missing", `Maven finished but no .tar.gz is in ${downloadDir}; delete ${home} and run again.`);

  onProgress(`Unpacking Apicurio Registry ${version}…`);
  const partialDir = join(home, "app.partial");
  await rm(partialDir, { recursive: true, force: true });
  await mkdir(partialDir, { recursive: true });
  await untar(join(downloadDir, archive), partialDir, signal);
  const runnerJar = pickRunnerJar(await readdir(partialDir));
  if (!runnerJar) throw externalError("stack.registry-layout", `The Apicurio ${version} archive has neither quarkus-run.jar nor a *-runner.jar at its top; this release is not supported by the local stack.`);
  await rm(appDir, { recursive: true, force: true });
  await rename(partialDir, appDir);
  // The archive stays in the local Maven repository; no need for a second copy.
  await rm(downloadDir, { recursive: true, force: true });
  await writeFile(join(home, completeMarker), `${JSON.stringify({ version, runnerJar, fetchedAt: new Date().toISOString() })}\n`);
  onProgress(`Apicurio Registry ${version} ready in ${appDir}.`);
  return { appDir, runnerJar: join(appDir, runnerJar), fetchedNow: true };
};
