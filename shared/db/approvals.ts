// Document approvals: what counts as one (decided by SQL, the same function the auto-sync trigger asks)
// and whether a document really is approved. Every statement is filtered by the firm id it is given.
import type { Sql } from './sql.ts';

export type ApprovalRefusal = 'not_an_approval' | 'already_approved';

/** Null for an approval (a row inserted as, or updated to, `approved`), else why the change is not one. */
export async function approvalRefusal(
  sql: Sql,
  change: { op: string; newStatus: string | null; oldStatus: string | null },
): Promise<ApprovalRefusal | null> {
  const [row] = await sql<{ refusal: ApprovalRefusal | null }[]>`
    select private.smokeball_approval_refusal(${change.op}, ${change.newStatus}, ${change.oldStatus}) as refusal`;
  return row.refusal;
}

/** Whether a document is really an approved document of that matter in that firm. */
export async function isApprovedDocument(sql: Sql, doc: { id: string; firmId: string; matterId: string }): Promise<boolean> {
  const rows = await sql`
    select 1 from public.documents
    where id = ${doc.id} and firm_id = ${doc.firmId} and matter_id = ${doc.matterId} and status = 'approved'`;
  return rows.length > 0;
}
