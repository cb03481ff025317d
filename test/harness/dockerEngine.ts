/**
 * True when testcontainers finds a container runtime that answers a ping.
 * Bounded: a socket that accepts but never answers must not hang the run.
 * testcontainers is loaded only here, so runs without Docker never pay for it.
 */
export const isDockerEngineAvailable = async (timeoutMs = 8_000): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const probe = import("testcontainers")
    .then(({ getContainerRuntimeClient }) => getContainerRuntimeClient())
    .then(
      () => true,
      // "Could not find a working container runtime strategy": the answer is no.
      () => false,
    );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
