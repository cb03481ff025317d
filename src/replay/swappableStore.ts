import { openDuckdbStore, type ProjectionStore } from "../projection/duckdbStore.ts";

/** Puts another file at the store's path; returns how to put the previous one back. */
export type FileReplacement = () => Promise<{ undo: () => Promise<void> }>;

export type SwappableStore = ProjectionStore & {
  /**
   * Waits for every call in progress, holds new ones, closes the file, lets
   * `replace` put another file at the same path, and reopens it. If the new
   * file does not open, the replacement is undone and the old file reopened.
   */
  swap: (replace: FileReplacement) => Promise<void>;
};

/**
 * The live projection store behind one indirection, so `witness replay --swap`
 * can exchange the file under a running Witness. Every call goes through a
 * gate; connections handed out by `connect()` belong to the file open at the
 * time and do not survive a swap (use `withQueryConnection`, which does).
 */
export const openSwappableStore = async (path: string, open: (path: string) => Promise<ProjectionStore> = openDuckdbStore): Promise<SwappableStore> => {
  let current = await open(path);
  let gate: Promise<void> | undefined;
  let active = 0;
  let onIdle: (() => void) | undefined;

  // No await before `work` when the gate is open: transactions are queued in the order they are asked for.
  const use = async <T>(work: (store: ProjectionStore) => Promise<T>): Promise<T> => {
    while (gate) await gate;
    active += 1;
    try {
      return await work(current);
    } finally {
      active -= 1;
      if (active === 0) onIdle?.();
    }
  };

  const untilIdle = () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onIdle = resolve)));

  return {
    path,
    readCheckpoints: (projection) => use((s) => s.readCheckpoints(projection)),
    withTransaction: (projection, work) => use((s) => s.withTransaction(projection, work)),
    withQueryConnection: (work) => use((s) => s.withQueryConnection(work)),
    connect: () => current.connect(),
    query: (sql, values) => use((s) => s.query(sql, values)),
    close: () => use((s) => s.close()),
    swap: async (replace) => {
      while (gate) await gate;
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      try {
        await untilIdle();
        onIdle = undefined;
        await current.close();
        const { undo } = await replace().catch(async (error: unknown) => {
          current = await open(path);
          throw error;
        });
        try {
          current = await open(path);
        } catch (error) {
          await undo();
          current = await open(path);
          throw error;
        }
      } finally {
        gate = undefined;
        release();
      }
    },
  };
};
