// Which externalSystemIds CaseHug's own sync wrote: exactly `casehug:<uuid>` on a matter and
// `casehug:client:<uuid>` on a contact; anything else (another system's id, a near miss) names no row.
import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { ownClientIdOf, ownMatterIdOf } from '../../../../shared/sync/import/own-records.ts';
import { contactExternalId } from '../../../../shared/sync/matter/ensure-contact.ts';
import { matterExternalId } from '../../../../shared/sync/matter/ensure-matter.ts';

test('the ids the sync writes are read back, lowercased', () => {
  const id = randomUUID();
  expect(ownMatterIdOf(matterExternalId(id))).toBe(id);
  expect(ownClientIdOf(contactExternalId(id))).toBe(id);
  expect(ownMatterIdOf(`casehug:${id.toUpperCase()}`)).toBe(id);
});

test.each([null, undefined, '', 'casehug:', 'casehug:not-a-uuid', `clio:${randomUUID()}`, `casehug:${randomUUID()}x`, ` casehug:${randomUUID()}`])(
  'a matter externalSystemId %j names no CaseHug matter',
  (value) => expect(ownMatterIdOf(value)).toBeNull(),
);

test('a contact\'s id is not read as a matter\'s, nor the other way round', () => {
  const id = randomUUID();
  expect(ownMatterIdOf(contactExternalId(id))).toBeNull();
  expect(ownClientIdOf(matterExternalId(id))).toBeNull();
});
