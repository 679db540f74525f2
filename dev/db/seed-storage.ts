// Puts an object in local Storage for every seeded document that has none, with deterministic bytes
// of the document's recorded size, so syncs of the demo data have something real to stream.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { putObject } from '../storage/server.ts';

export async function seedStorageObjects(dbUrl: string, storageRoot: string): Promise<number> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => undefined });
  try {
    const hasDocuments = await sql`select to_regclass('public.documents') is not null as ok`;
    if (!hasDocuments[0]?.ok) return 0;
    const docs = await sql<{ id: string; storage_bucket: string; storage_path: string; size_bytes: string; content_type: string | null }[]>`
      select id, storage_bucket, storage_path, size_bytes, content_type from public.documents`;
    let created = 0;
    for (const doc of docs) {
      if (existsSync(join(storageRoot, doc.storage_bucket, ...doc.storage_path.split('/')))) continue;
      await putObject(storageRoot, doc.storage_bucket, doc.storage_path, demoBytes(doc.id, Number(doc.size_bytes)), doc.content_type ?? 'application/octet-stream');
      created++;
    }
    return created;
  } finally {
    await sql.end();
  }
}

export function demoBytes(seed: string, size: number): Uint8Array {
  const line = new TextEncoder().encode(`CaseHug demo document ${seed}\n`);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = line[i % line.length];
  return out;
}
