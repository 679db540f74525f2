// Every function's request and response as the app sends and receives them (supabase-js
// `functions.invoke`). The functions parse their input and produce their output through these schemas,
// and the integration tests parse every answer with them. Zod only: the app imports this file.
import { z } from 'zod';
import { ErrorCode, ItemError } from './errors.ts';
import { EmptyCounts, ReconcileRunCounts, RunStatus } from './sync-history.ts';

const Uuid = z.uuid();
/** `firmId` names the firm for a user of several firms (`?firmId=` or, for POST bodies, `firmId`). */
const FirmId = Uuid.optional();

export const SmokeballRegion = z.enum(['US', 'AU', 'UK']);
export type SmokeballRegion = z.infer<typeof SmokeballRegion>;

/** A path of the app: `/…`, never `//host`, a scheme, a backslash or a control character (no open redirect). */
export const AppPath = z
  .string()
  .max(2048)
  .regex(/^\/(?!\/)[^\\\u0000-\u001f\u007f]*$/, 'must be a path of the app, starting with a single /');

// ---- health (GET, member) ------------------------------------------------------------------------------
/** Per firm of the caller: whether Smokeball is configured and with which app (its own or the default); never a secret. */
export const FirmAppStatus = z.discriminatedUnion('app', [
  z.object({ firmId: Uuid, configured: z.literal(true), app: z.literal('own'), clientId: z.string(), environment: z.string(), region: z.string() }),
  z.object({ firmId: Uuid, configured: z.literal(true), app: z.literal('default'), clientId: z.string(), environment: z.string() }),
  z.object({ firmId: Uuid, configured: z.literal(false), app: z.null() }),
]);
export const HealthResponse = z.object({
  ok: z.boolean(),
  database: z.enum(['ok', 'error']),
  /** `configured`: the deployment has a default Smokeball app. */
  smokeball: z.object({ configured: z.boolean(), firms: z.array(FirmAppStatus) }),
});

// ---- oauth-start (POST, admin) -------------------------------------------------------------------------
export const OAuthStartRequest = z
  .object({ region: SmokeballRegion.optional(), returnTo: AppPath.default('/'), firmId: FirmId })
  .strict();
export const OAuthStartResponse = z.object({ url: z.url() });

// ---- oauth-complete (POST, the admin who started the connect) ------------------------------------------
export const OAuthCompleteRequest = z
  .object({
    handle: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'must be the connect value from the redirect'),
    switchAccount: z.boolean().default(false),
  })
  .strict();
export const OAuthCompleteResponse = z.object({
  connected: z.literal(true),
  accountId: z.string().nullable(),
  switchedAccount: z.boolean(),
});

// ---- disconnect (POST, admin) --------------------------------------------------------------------------
export const DisconnectRequest = z.object({ firmId: FirmId }).strict();
export const DisconnectResponse = z.object({
  disconnected: z.boolean(),
  webhooks: z.object({ deleted: z.number().int(), failed: z.number().int() }),
  /** Queued jobs kept, parked until a reconnect. */
  jobsParked: z.number().int(),
});

// ---- register-webhooks (POST, admin) -------------------------------------------------------------------
export const RegisterWebhooksRequest = z.object({ firmId: FirmId }).strict();
export const RegisterWebhooksResponse = z.object({
  subscriptionId: z.string(),
  created: z.boolean(),
  removed: z.number().int(),
  eventTypes: z.array(z.string()),
});

// ---- smokeball-status (GET, member) --------------------------------------------------------------------
/** `disconnected`: was connected, an admin disconnected it (its links are kept for a reconnect). */
export const ConnectionState = z.enum(['not_connected', 'connected', 'needs_reauth', 'disconnected']);
export const SmokeballStatusQuery = z.object({ firmId: FirmId }).strict();
export const SmokeballStatusResponse = z.object({
  /** False when the firm has no Smokeball app of its own and the deployment no default one (nothing can connect). */
  configured: z.boolean(),
  state: ConnectionState,
  region: SmokeballRegion.nullable(),
  /** Smokeball's account id; the name is null (Smokeball's token response does not carry it and it is not stored). */
  account: z.object({ id: z.string().nullable(), name: z.string().nullable() }).nullable(),
  connectedBy: z.object({ userId: z.uuid().nullable(), email: z.string().nullable(), at: z.string() }).nullable(),
  /** When Smokeball's refresh token expires: reconnect before then, or syncs stop and webhooks are deleted. */
  refreshTokenExpiresAt: z.string().nullable(),
  autoSync: z.boolean(),
  webhooks: z.object({ registered: z.boolean(), eventTypes: z.array(z.string()), lastDeliveryAt: z.string().nullable() }),
  /** The connection's error (needs re-authorisation), else the latest run that failed or partly failed. */
  lastError: z.object({ code: ErrorCode, message: z.string(), help: z.string(), at: z.string(), runId: z.uuid().nullable() }).nullable(),
  /** queued: waiting to run; parked: waiting for a (re)connect; dead: gave up (see the sync history). */
  jobs: z.object({ queued: z.number().int(), parked: z.number().int(), dead: z.number().int() }),
});
export type SmokeballStatusResponse = z.infer<typeof SmokeballStatusResponse>;

// ---- smokeball-matter-types (GET, member; refresh: admin) ----------------------------------------------
/** A query flag: `1`/`true` or `0`/`false`. */
const Flag = z.enum(['1', 'true', '0', 'false']).transform((value) => value === '1' || value === 'true');
export const MatterTypeKind = z.enum(['matter', 'lead']);
export const MatterTypesQuery = z
  .object({
    firmId: FirmId,
    type: MatterTypeKind.optional(),
    category: z.string().trim().min(1).max(200).optional(),
    preview: Flag.optional(),
    refresh: Flag.optional(),
  })
  .strict()
  // The preview covers every case type of the firm; picker filters do not apply to it.
  .refine((q) => !(q.preview && (q.type !== undefined || q.category !== undefined)), {
    message: 'preview takes no type or category',
    path: ['preview'],
  });
export const PickerMatterType = z.object({
  id: z.string(),
  name: z.string(),
  /** Smokeball's category (practice area); null only if Smokeball sent none. */
  category: z.string().nullable(),
  location: z.string().nullable(),
  representativeOptions: z.array(z.string()),
});
export const MatterTypeGroup = z.object({ category: z.string().nullable(), matterTypes: z.array(PickerMatterType) });
export const MatterTypeList = z.object({ jurisdiction: z.string(), type: MatterTypeKind, categories: z.array(MatterTypeGroup) });
export const ResolutionHow = z.enum(['custom-id', 'custom-name', 'built-in', 'alias', 'general-fallback', 'unmapped']);
export const PreviewEntry = z.object({
  caseType: z.string(),
  how: ResolutionHow,
  matterType: z.object({ id: z.string(), name: z.string(), category: z.string().nullable() }).nullable(),
  /** Why: the name matched, the alias used, the fallback taken, or what the admin must fix. */
  reason: z.string(),
  /** How many of the firm's matters have this case type (0 for a built-in or mapped type no matter uses). */
  matterCount: z.number().int().min(0),
});
export const MappingPreviewList = z.object({ jurisdiction: z.string(), mappings: z.array(PreviewEntry) });

// ---- smokeball-matters (GET, member) -------------------------------------------------------------------
export const SmokeballMattersQuery = z
  .object({
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    // Smokeball pages are at most 500 (docs/smokeball.md §2); the app shows fewer.
    limit: z.coerce.number().int().min(1).max(500).default(50),
    firmId: FirmId,
  })
  .strict();
export const SmokeballMattersResponse = z.object({
  matters: z.array(
    z.object({
      id: z.string(),
      number: z.string().nullable(),
      title: z.string().nullable(),
      status: z.string().nullable(),
      linked: z.boolean(),
      casehugMatterId: z.uuid().nullable(),
    }),
  ),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
});

// ---- sync-matter (POST one matter or a bulk, GET a batch's progress; member, `all`: admin) -------------
/** A request names at most this many matters; `{ all: true }` has no such limit. */
export const MAX_BULK_MATTER_IDS = 500;
export const SyncMatterRequest = z.union([
  z.object({ matterId: Uuid, firmId: FirmId }).strict(),
  z.object({ matterIds: z.array(Uuid).min(1).max(MAX_BULK_MATTER_IDS), firmId: FirmId }).strict(),
  z.object({ all: z.literal(true), firmId: FirmId }).strict(),
]);
export type SyncMatterRequest = z.infer<typeof SyncMatterRequest>;

export const ContactAction = z.enum(['created', 'linked', 'existing']);
export const MatterAction = z.enum(['created', 'linked', 'existing']);
export const DocumentCounts = z.object({ uploaded: z.number().int(), skipped: z.number().int(), failed: z.number().int() });
export type DocumentCounts = z.infer<typeof DocumentCounts>;

/** uploaded: sent now; skipped: already in Smokeball (linked earlier); failed: see `error`. */
export const DocumentResultStatus = z.enum(['uploaded', 'skipped', 'failed']);
export const DocumentResult = z.object({
  documentId: Uuid,
  fileName: z.string(),
  status: DocumentResultStatus,
  smokeballFileId: z.string().nullable(),
  error: ItemError.optional(),
});
export type DocumentResult = z.infer<typeof DocumentResult>;

/** 200: the run ended within the answer bound. */
export const SyncMatterResult = z.object({
  runId: Uuid,
  status: RunStatus.exclude(['running']),
  contact: z.object({ id: z.string(), action: ContactAction }),
  matter: z.object({ id: z.string(), action: MatterAction }),
  /** The run's document counts (across its attempts, as in sync_runs.counts). */
  counts: DocumentCounts,
  /** Each approved document of the matter and its outcome. */
  documents: z.array(DocumentResult),
  apiCalls: z.number().int(),
});
export type SyncMatterResult = z.infer<typeof SyncMatterResult>;

/** 202: not done within the answer bound; the matter's queued job continues the run (watch sync_runs). */
export const HandedOffSync = z.object({ runId: Uuid, jobId: Uuid, matterId: Uuid, status: z.literal('running') });
export type HandedOffSync = z.infer<typeof HandedOffSync>;

/** 202 for `{ matterIds }` / `{ all }`: matters already queued join the batch; unknown or other-firm ids are in notFound. */
export const BulkSyncAccepted = z.object({
  batchId: Uuid.nullable(),
  queued: z.number().int(),
  /** Matters that had a queued job already (approvals, manual syncs, other batches). */
  alreadyQueued: z.number().int(),
  /** Of those, the ones whose job joined this batch (a job of no other batch): the batch's total is queued + joined. */
  joined: z.number().int(),
  notFound: z.array(Uuid),
});
export type BulkSyncAccepted = z.infer<typeof BulkSyncAccepted>;

export const BatchProgressQuery = z
  .object({
    batchId: Uuid,
    firmId: FirmId,
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const BatchItemStatus = z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']);
export const BatchItem = z.object({
  matterId: Uuid,
  status: BatchItemStatus,
  runId: Uuid.nullable(),
  errorCode: ErrorCode.nullable(),
});
export const BatchProgress = z.object({
  batchId: Uuid,
  total: z.number().int(),
  succeeded: z.number().int(),
  partial: z.number().int(),
  failed: z.number().int(),
  remaining: z.number().int(),
  startedAt: z.string(),
  /** Set when nothing remains. */
  finishedAt: z.string().nullable(),
  items: z.array(BatchItem),
  offset: z.number().int(),
  limit: z.number().int(),
});
export type BatchProgress = z.infer<typeof BatchProgress>;

// ---- import-smokeball-matters (POST admin, GET ?batchId= member) ----------------------------------------
/** A request names at most this many Smokeball matters (one Smokeball list page); `{ all: true }` has no limit. */
export const MAX_IMPORT_MATTER_IDS = 500;
/** Exactly one of the two: the Smokeball matter ids to import, or every matter (not lead) of the firm's account. */
/**
 * A Smokeball id: a GUID (docs/smokeball.md §8: ids are lowercase GUID strings), lowercased. Nothing else
 * reaches a Smokeball path or a note: `.`, `..` or a `/` would change the URL `matters/{id}` names.
 */
export const SmokeballId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a Smokeball id (a GUID)');
export const ImportMattersRequest = z.union([
  z.object({ smokeballMatterIds: z.array(SmokeballId).min(1).max(MAX_IMPORT_MATTER_IDS), firmId: FirmId }).strict(),
  z.object({ all: z.literal(true), firmId: FirmId }).strict(),
]);
export type ImportMattersRequest = z.infer<typeof ImportMattersRequest>;

/** 202: one queued import per Smokeball matter not linked yet; `batchId` is null when none was queued. */
export const ImportMattersAccepted = z.object({
  batchId: Uuid.nullable(),
  queued: z.number().int().min(0),
  /** Named (or listed) matters a CaseHug matter of the firm is linked to already: not queued. */
  alreadyLinked: z.number().int().min(0),
});
export type ImportMattersAccepted = z.infer<typeof ImportMattersAccepted>;

export const ImportProgressQuery = z.object({ batchId: Uuid, firmId: FirmId }).strict();
/**
 * An import batch's progress: its jobs (`total` = done + failed + superseded + remaining) and what became
 * of its matters (`imported`: a CaseHug matter was created; `linked`: one was linked already). Each
 * matter's outcome, case type and note are in the `smokeball_imports` table (readable by the firm's members).
 */
export const ImportProgress = z.object({
  batchId: Uuid,
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  failed: z.number().int().min(0),
  superseded: z.number().int().min(0),
  remaining: z.number().int().min(0),
  imported: z.number().int().min(0),
  linked: z.number().int().min(0),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

// ---- reconcile (POST: the nightly secret-key call, or an admin for their firm; GET ?jobId= member) ---------
/** pg_cron sends `{}` (or nothing); the app `{}` or `{ firmId }`. Anything else is refused, not ignored. */
export const ReconcileRequest = z.object({ firmId: FirmId }).strict();
/** The nightly call (secret key) takes no firm: it reconciles every connected firm. */
export const NightlyReconcileRequest = z.object({}).strict();
/** 202 to the secret-key call: how many firms have a reconciliation queued or running now. */
export const NightlyReconcileAccepted = z.object({ firms: z.number().int().min(0) });
export type NightlyReconcileAccepted = z.infer<typeof NightlyReconcileAccepted>;
/** 202 to an admin: the firm's queued reconciliation (one already queued is joined, not doubled). */
export const ReconcileAccepted = z.object({ jobId: Uuid });
export type ReconcileAccepted = z.infer<typeof ReconcileAccepted>;

export const ReconcileJobQuery = z.object({ jobId: Uuid, firmId: FirmId }).strict();
export const ReconcileJobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'dead', 'superseded']);
/** The reconciliation job and its latest run (null until the worker starts it); the run's counts are ReconcileRunCounts. */
export const ReconcileJob = z.object({
  jobId: Uuid,
  status: ReconcileJobStatus,
  run: z
    .object({
      id: Uuid,
      status: RunStatus,
      counts: z.union([ReconcileRunCounts, EmptyCounts]),
      apiCalls: z.number().int().min(0),
      errorCode: ErrorCode.nullable(),
    })
    .nullable(),
});
export type ReconcileJob = z.infer<typeof ReconcileJob>;

// ---- internal callers (secret key): sync-worker, on-document-approved; Smokeball: smokeball-webhook ------
export const DrainSummary = z.object({
  claimed: z.number().int(),
  succeeded: z.number().int(),
  retried: z.number().int(),
  dead: z.number().int(),
  parked: z.number().int(),
  superseded: z.number().int(),
  lost: z.number().int(),
});
export const SyncWorkerRequest = z.object({}).strict();
export const DocumentApprovedRequest = z
  .object({
    type: z.enum(['INSERT', 'UPDATE', 'DELETE']),
    table: z.literal('documents'),
    schema: z.literal('public'),
    record: z.object({ id: Uuid, firm_id: Uuid, matter_id: Uuid, status: z.string() }).loose().nullable(),
    old_record: z.object({ status: z.string() }).loose().nullable().optional(),
  })
  .strict();
export const DocumentApprovedResponse = z.union([
  z.object({ ignored: z.literal(true), reason: z.string() }),
  DrainSummary.extend({ ignored: z.literal(false) }),
]);
/** What the webhook endpoint answers Smokeball; webhooks we do not handle are acknowledged and ignored. */
export const WebhookAck = z.union([
  z.object({ received: z.literal(true), duplicate: z.boolean() }),
  z.object({ received: z.literal(true), ignored: z.enum(['noop', 'unhandled_type']) }),
]);
