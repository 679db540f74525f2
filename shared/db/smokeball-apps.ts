// private.smokeball_apps: a firm's own Smokeball app (migration 20261201190100). The functions read the
// row with the service connection; operators write it through the `security definer` functions of
// 20261201190200, which take sealed values and never return one.
import type { Sql } from './sql.ts';

export type SmokeballAppRow = {
  clientId: string;
  sealedClientSecret: string;
  sealedApiKey: string;
  environment: 'production' | 'staging';
  region: 'US' | 'AU' | 'UK';
};

export async function readFirmApp(sql: Sql, firmId: string): Promise<SmokeballAppRow | undefined> {
  const [row] = await sql<SmokeballAppRow[]>`
    select client_id as "clientId", sealed_client_secret as "sealedClientSecret", sealed_api_key as "sealedApiKey",
           environment, region
    from private.smokeball_apps where firm_id = ${firmId}`;
  return row;
}

/** What an operator (and `health`) may see of a firm's app: never a sealed value. */
export type SmokeballAppSummary = { firmId: string; clientId: string; environment: string; region: string };

/** The firms among `firmIds` that have an app of their own. */
export async function summarizeFirmApps(sql: Sql, firmIds: string[]): Promise<SmokeballAppSummary[]> {
  if (firmIds.length === 0) return [];
  return sql<SmokeballAppSummary[]>`
    select firm_id as "firmId", client_id as "clientId", environment, region
    from private.smokeball_apps where firm_id = any(${firmIds}::uuid[])`;
}

export type SetFirmAppInput = {
  firmId: string;
  clientId: string;
  sealedClientSecret: string;
  sealedApiKey: string;
  keyId: string;
  environment: 'production' | 'staging';
  region: 'US' | 'AU' | 'UK';
};

/**
 * The operator's calls, as the service role (the only role that may execute them): in a transaction of
 * their own so `set local role` ends with it.
 */
export async function setFirmApp(sql: Sql, input: SetFirmAppInput): Promise<{ connectionInvalidated: boolean }> {
  return sql.begin(async (tx) => {
    await tx`set local role service_role`;
    const [row] = await tx<{ connectionInvalidated: boolean }[]>`
      select connection_invalidated as "connectionInvalidated"
      from private.smokeball_app_set(${input.firmId}, ${input.clientId}, ${input.sealedClientSecret}, ${input.sealedApiKey},
                                     ${input.keyId}, ${input.environment}, ${input.region})`;
    return row;
  }) as Promise<{ connectionInvalidated: boolean }>;
}

export async function removeFirmApp(sql: Sql, firmId: string): Promise<{ removed: boolean; connectionInvalidated: boolean }> {
  return sql.begin(async (tx) => {
    await tx`set local role service_role`;
    const [row] = await tx<{ removed: boolean; connectionInvalidated: boolean }[]>`
      select removed, connection_invalidated as "connectionInvalidated" from private.smokeball_app_remove(${firmId})`;
    return row;
  }) as Promise<{ removed: boolean; connectionInvalidated: boolean }>;
}

export async function listFirmApps(sql: Sql): Promise<(SmokeballAppSummary & { keyId: string })[]> {
  return sql.begin(async (tx) => {
    await tx`set local role service_role`;
    return tx<(SmokeballAppSummary & { keyId: string })[]>`
      select firm_id as "firmId", client_id as "clientId", environment, region, key_id as "keyId" from private.smokeball_app_list()`;
  }) as Promise<(SmokeballAppSummary & { keyId: string })[]>;
}
