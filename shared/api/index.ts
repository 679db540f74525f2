// The contract between this backend and the CaseHug app: zod schemas only (the module imports nothing
// but zod), so the app can import it as it is. See README "The app's contract".
export * from './errors.ts';
export * from './functions.ts';
export * from './sync-history.ts';
export type { Database, Json, Tables, TablesInsert, TablesUpdate, Enums } from './database.types.ts';
