// The failure a sync ends with when a case type has no matter type (docs/architecture.md §5: "fail with
// matter_type_unmapped naming the case type"). 422: the request is well formed, but the firm's Smokeball
// catalog and mappings cannot place this matter until an admin adds or fixes a custom mapping.
import { AppError } from '../../errors.ts';

export function unmappedError(caseType: string, reason: string): AppError {
  // Every unmapped reason from resolveMatterType() names the case type; one from elsewhere gets it added.
  const message = reason.includes(caseType) ? reason : `${reason} (case type '${caseType}')`;
  return new AppError({ code: 'matter_type_unmapped', status: 422, message, details: { caseType } });
}
