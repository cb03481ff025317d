import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isWitnessError, userError } from "../errors/witnessError.ts";
import type { Logger } from "../observability/logger.ts";

export type Route = (request: { body: unknown; url: URL }) => Promise<{ status: number; body: unknown }>;
export type Routes = Record<string, Route>;

const maxBodyBytes = 10 * 1024 * 1024;

const readJsonBody = (request: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(Object.assign(new Error(`body larger than ${maxBodyBytes} bytes`), { status: 413 }));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => {
      if (chunks.length === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(Object.assign(new Error("the body is not JSON"), { status: 400 }));
      }
    });
    request.on("error", reject);
  });

const send = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  response.writeHead(status, { "content-type": "application/json" }).end(text);
};

/** A small JSON HTTP server: routes are `"METHOD /path"` → handler. User errors are 400 with the reason. */
export const startHttpServer = async (routes: Routes, options: { host: string; port: number; logger: Logger }): Promise<{ server: Server; url: string; close: () => Promise<void> }> => {
  const log = options.logger.child({ component: "http" });
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) return send(response, 404, { error: { code: "http.not_found", message: `No route ${request.method} ${url.pathname}` } });
    try {
      const body = request.method === "POST" ? await readJsonBody(request) : undefined;
      const result = await route({ body, url });
      send(response, result.status, result.body);
    } catch (error) {
      const status = (error as { status?: number }).status ?? (isWitnessError(error) && error.domain === "user" ? 400 : isWitnessError(error) && error.retriable ? 503 : 500);
      if (status >= 500) log.error({ err: error, path: url.pathname }, "request failed");
      send(response, status, { error: { code: isWitnessError(error) ? error.code : "http.error", message: (error as Error).message } });
    }
  });
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? userError("http.port", `${options.host}:${options.port} is already in use (another Witness?): stop it, or set WITNESS_HTTP_PORT to a free port (0 picks one).`, error)
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  log.info({ url }, "HTTP API listening");
  return {
    server,
    url,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
