import { createServer, type Server } from "node:net";
import { externalError, internalError } from "../errors/witnessError.ts";

const listen = (port: number, host: string): Promise<Server | undefined> =>
  new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

const portOf = (server: Server): number => {
  const address = server.address();
  if (address === null || typeof address === "string") throw internalError("stack.port", "A listening TCP server reported no port.");
  return address.port;
};

/** True when nothing listens on host:port right now (we could bind it). */
export const isPortFree = async (port: number, host: string): Promise<boolean> => {
  const server = await listen(port, host);
  if (!server) return false;
  await close(server);
  return true;
};

/**
 * Reserves one free port per name — the preferred one when it is free (so a
 * restarted stack keeps its addresses), else whatever the OS hands out for
 * port 0 — and releases them all at the end, so the ports are distinct.
 * Another process could still take one before we use it; callers that start
 * a server on it report that clearly.
 */
export const allocatePorts = async <Name extends string>(
  host: string,
  names: readonly Name[],
  preferred: Partial<Record<Name, number>> = {},
): Promise<Record<Name, number>> => {
  const held: Server[] = [];
  const ports = {} as Record<Name, number>;
  try {
    for (const name of names) {
      const wanted = preferred[name];
      const server = (wanted !== undefined ? await listen(wanted, host) : undefined) ?? (await listen(0, host));
      if (!server) throw externalError("stack.no-port", `Cannot bind any TCP port on ${host}; check that the loopback interface is up and ports are not exhausted.`, undefined, false);
      held.push(server);
      ports[name] = portOf(server);
    }
    return ports;
  } finally {
    await Promise.all(held.map(close));
  }
};
