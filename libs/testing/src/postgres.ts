import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

/** The machine's PostgreSQL (trust auth on loopback); CLUSTER_POSTGRES_URL overrides it. */
const ADMIN_URL =
  process.env['CLUSTER_POSTGRES_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test';

export interface FreshDatabase {
  /** DATABASE_URL for the servers under test. */
  url: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A database of its own for one suite (or benchmark) run, dropped at the end. Fails (never skips) when
 * PostgreSQL is not there: this suite exists to test against it.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const name = `fuv_cluster_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message}); .ci/run starts it`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  return {
    url: url.toString(),
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await db.query(sql, params)).rows as T[],
    drop: async () => {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
