// What most integration files set up before their tests and tear down after them: a superuser connection
// and one or more connected firms. Each `use…` call registers its hooks where it is called (a file's top
// level or a describe block), so a file states its fixture in one line and keeps its own `beforeAll` for
// anything beyond it; that `beforeAll` runs after the fixture's, and its `afterAll` before the connection
// ends (vitest runs before-hooks in order and after-hooks in reverse).
import { afterAll, beforeAll } from 'vitest';
import { connectAsSuperuser, type Sql } from './db.ts';
import { createConnectedFirm, type ConnectedFirm } from './sync.ts';

/** A superuser connection for the calling file or describe block, ended after its tests. It connects on its first query. */
export function useSuperuserSql(options: { max?: number } = {}): Sql {
  const sql = connectAsSuperuser(options);
  afterAll(() => sql.end());
  return sql;
}

export type ConnectedFirmOptions = { jurisdiction?: string; autoSync?: boolean };

/**
 * `count` firms, each connected to a simulator account of its own (createConnectedFirm, at the same
 * time), made in a `beforeAll`. The firms returned are usable from then on, in tests and hooks.
 */
export function useConnectedFirms(sql: Sql, count: number, options: ConnectedFirmOptions = {}): ConnectedFirm[] {
  const slots = Array.from({ length: count }, () => filledInBeforeAll<ConnectedFirm>('a connected firm'));
  beforeAll(async () => {
    const firms = await Promise.all(slots.map(() => createConnectedFirm(sql, options.jurisdiction ?? 'IL', { autoSync: options.autoSync })));
    firms.forEach((firm, i) => slots[i].fill(firm));
  });
  return slots.map((slot) => slot.value);
}

/** One connected firm, made in a `beforeAll` (see useConnectedFirms). */
export function useConnectedFirm(sql: Sql, options: ConnectedFirmOptions = {}): ConnectedFirm {
  return useConnectedFirms(sql, 1, options)[0];
}

/**
 * An object that a file can hold from the start and that takes its fields in a `beforeAll`. Read before
 * that (while the file is being collected), it throws rather than answer `undefined`.
 */
function filledInBeforeAll<T extends object>(what: string): { value: T; fill(value: T): void } {
  const target = {} as T;
  let filled = false;
  const value = new Proxy(target, {
    get(t, key, receiver) {
      if (!filled) throw new Error(`${what} was read before the beforeAll that makes it ran`);
      return Reflect.get(t, key, receiver);
    },
  });
  return {
    value,
    fill(made) {
      Object.assign(target, made);
      filled = true;
    },
  };
}
