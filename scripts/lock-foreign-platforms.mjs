// The npm registry reachable here serves only the linux-x64 build of DuckDB's
// native bindings, so `npm install` leaves the other platforms' optional packages
// out of package-lock.json and `npm ci` then refuses the lock as out of sync.
// This records them as optional, platform-bound entries, exactly as npm does
// where the registry has them; npm skips them on non-matching machines.
// Run after `npm install` changes the lock: node scripts/lock-foreign-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const platformOf = {
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "linux-arm64": { os: ["linux"], cpu: ["arm64"], libc: ["glibc"] },
  "linux-arm64-musl": { os: ["linux"], cpu: ["arm64"], libc: ["musl"] },
  "linux-x64": { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
  "linux-x64-musl": { os: ["linux"], cpu: ["x64"], libc: ["musl"] },
  "win32-arm64": { os: ["win32"], cpu: ["arm64"] },
  "win32-x64": { os: ["win32"], cpu: ["x64"] },
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const platform = Object.entries(platformOf).find(([suffix]) => name.endsWith(`-${suffix}`));
    if (!platform) throw new Error(`${path} has an optional dependency ${name} that is neither locked nor platform-specific`);
    lock.packages[key] = { version, license: entry.license, optional: true, ...platform[1] };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform-bound optional entries to package-lock.json`);
