// In-memory data, per account (firm): each account sees only its own contacts, matters, files and webhook
// subscriptions (docs/smokeball.md §1 "several accounts"). Records keep Smokeball's field names; views.ts turns
// them into the wire shapes.
import { newGuid } from './ids.ts';

export type JsonObject = Record<string, unknown>;

export type ContactRecord = {
  id: string;
  externalSystemId?: string;
  versionId: string;
  /** Exactly one of person | company | trust | groupOfPeople (docs/smokeball.md §2 ContactDto). */
  person?: JsonObject;
  company?: JsonObject;
  trust?: JsonObject;
  groupOfPeople?: JsonObject;
  isDeleted: boolean;
  createdMs: number;
  lastUpdatedMs: number;
};

export type MatterRecord = {
  id: string;
  externalSystemId?: string;
  number: string;
  title: string;
  matterTypeId: string;
  clientIds: string[];
  otherSideIds: string[];
  clientRole: string;
  otherSideRole: string;
  description: string;
  status: string;
  isLead: boolean;
  /** Other MatterDto fields kept as sent (dates, staff ids, referral fields). */
  extra: JsonObject;
  versionId: string;
  createdMs: number;
  lastUpdatedMs: number;
};

export type FileRecord = {
  id: string;
  matterId: string;
  versionId: string;
  /** Without extension; `fileExtension` carries it with its dot (docs/smokeball.md §4 File). */
  name: string;
  fileExtension: string;
  folderId: string | null;
  folderPath: string | null;
  ownerId: string | null;
  additionalData: JsonObject;
  dateCreated: string;
  dateModified: string;
  s3Key: string;
  createdMs: number;
};

export type SubscriptionRecord = {
  id: string;
  accountId: string;
  /** The OAuth client that created it; its id is the ClientId in the delivery signature (docs/smokeball.md §5). */
  clientId: string;
  name: string;
  eventTypes: string[];
  eventNotificationUrl: string;
  key?: string;
  createdMs: number;
  updatedMs: number;
};

/** What the S3 bucket holds for one key: never the bytes of a large file (the benchmark sends 1 GiB). */
export type S3Object = { sizeBytes: number; sha256: string; bytes?: Buffer; uploadedMs: number };

export type Account = {
  id: string;
  username: string;
  createdMs: number;
  contacts: Map<string, ContactRecord>;
  matters: Map<string, MatterRecord>;
  files: Map<string, FileRecord>;
  subscriptions: Map<string, SubscriptionRecord>;
  /** Accepted (202) but not yet visible: writes that reference them are accepted, reads 404. */
  pendingContactIds: Set<string>;
  pendingMatterIds: Set<string>;
  /** Files accepted (202) but not applied yet. */
  pendingFileIds: Set<string>;
  /** A test control: the account's webhook deliveries are lost (never sent), as when they go missing. */
  dropWebhooks: boolean;
};

export class Store {
  readonly accounts = new Map<string, Account>();
  private readonly idByUsername = new Map<string, string>();
  readonly objects = new Map<string, S3Object>();
  /** Bumped by reset(), so writes scheduled before a reset never land after it. */
  generation = 0;

  /** Usernames are case-insensitive: one account (firm) per distinct name, created on first use. */
  getOrCreateAccount(username: string, nowMs: number): Account {
    const key = username.trim().toLowerCase();
    const existing = this.idByUsername.get(key);
    if (existing) return this.accounts.get(existing)!;
    const account: Account = {
      id: newGuid(),
      username: username.trim(),
      createdMs: nowMs,
      contacts: new Map(),
      matters: new Map(),
      files: new Map(),
      subscriptions: new Map(),
      pendingContactIds: new Set(),
      pendingMatterIds: new Set(),
      pendingFileIds: new Set(),
      dropWebhooks: false,
    };
    this.accounts.set(account.id, account);
    this.idByUsername.set(key, account.id);
    return account;
  }

  findAccount(idOrUsername: string): Account | undefined {
    return this.accounts.get(idOrUsername) ?? this.accounts.get(this.idByUsername.get(idOrUsername.trim().toLowerCase()) ?? '');
  }

  reset(): void {
    this.accounts.clear();
    this.idByUsername.clear();
    this.objects.clear();
    this.generation++;
  }
}
