// What a reconciliation run checked and repaired, kept in its sync_runs row (`counts`); the shape is the
// app's contract (shared/api/sync-history.ts `ReconcileRunCounts`).
import type { ReconcileRunCounts } from '../../api/sync-history.ts';

export type ReconcileCounts = ReconcileRunCounts;

export function emptyCounts(): ReconcileCounts {
  return {
    subscriptionsChecked: 0, subscriptionsRepaired: 0, mattersChecked: 0, mattersUpdated: 0, mattersDeleted: 0, contactsChecked: 0,
    contactsUpdated: 0, contactsDeleted: 0, linksRestored: 0, documentsChecked: 0, documentsRequeued: 0, checked: 0, repaired: 0,
  };
}

/** The totals: everything looked at, everything put right. */
export function withTotals(c: ReconcileCounts): ReconcileCounts {
  return {
    ...c,
    checked: c.subscriptionsChecked + c.mattersChecked + c.contactsChecked + c.documentsChecked,
    repaired: c.subscriptionsRepaired + c.mattersUpdated + c.mattersDeleted + c.contactsUpdated + c.contactsDeleted + c.linksRestored + c.documentsRequeued,
  };
}
