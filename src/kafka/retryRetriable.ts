/**
 * Retries `work` while it fails with an error marked retriable (kafkajs and
 * Witness errors both carry `retriable`), with capped exponential backoff, for at
 * most `timeoutMs`. A broker that just restarted answers UNKNOWN_TOPIC_OR_PARTITION
 * until it has loaded its metadata: that is worth waiting for, a bad request is not.
 */
export const retryRetriable = async <T>(work: () => Promise<T>, options: { timeoutMs: number; onRetry?: (error: unknown, attempt: number) => void }): Promise<T> => {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const isRetriable = (error as { retriable?: unknown })?.retriable === true;
      if (!isRetriable || Date.now() >= deadline) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
};
