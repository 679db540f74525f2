// Verified user → firm (the step after authentication). A user of one firm acts for it; a user of several
// names the firm with `?firmId=` or, in a POST body, `firmId`; without one they get 400 `firm_required`.
// Service code then filters every query by the firm returned here.
import { z } from 'zod';
import { AppError, forbidden } from '../errors.ts';
import type { Sql } from '../db/sql.ts';
import { listFirmMemberships, type FirmMembership, type FirmRole } from '../db/firms.ts';
import type { AuthenticatedUser } from './auth.ts';

const FirmId = z.uuid();

export async function authorizeFirm(
  sql: Sql,
  user: AuthenticatedUser,
  url: URL,
  required: FirmRole = 'member',
  /** `firmId` of the request body, already parsed by the function's body schema. */
  bodyFirmId?: string,
): Promise<FirmMembership> {
  const fromQuery = url.searchParams.get('firmId') ?? undefined;
  if (fromQuery !== undefined && !FirmId.safeParse(fromQuery).success) {
    throw new AppError({ code: 'invalid_query', status: 400, message: 'firmId must be a UUID', details: { fields: ['firmId'] } });
  }
  if (fromQuery !== undefined && bodyFirmId !== undefined && fromQuery !== bodyFirmId) {
    throw new AppError({ code: 'invalid_body', status: 400, message: 'firmId in the query and in the body differ', details: { fields: ['firmId'] } });
  }
  const requested = fromQuery ?? bodyFirmId;
  const memberships = await listFirmMemberships(sql, user.userId, requested);
  if (memberships.length === 0) throw forbidden('You are not a member of this firm');
  if (memberships.length > 1) {
    throw new AppError({ code: 'firm_required', status: 400, message: 'You belong to several firms: name one with firmId' });
  }
  const membership = memberships[0];
  if (required === 'admin' && membership.role !== 'admin') throw forbidden('Only a firm admin can do this');
  return membership;
}
