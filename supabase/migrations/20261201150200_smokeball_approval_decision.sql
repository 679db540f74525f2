-- What an approval is, decided in one place: the auto-sync trigger on `documents` and the
-- on-document-approved wake-up (a database-webhook-shaped event) both ask this function, so they cannot
-- disagree. An approval is a row inserted as `approved`, or updated to `approved` from another status.
-- Answers null for an approval, else why it is not one: `not_an_approval` (deleted, or not approved) or
-- `already_approved` (an update of a row that was approved before).
create or replace function private.smokeball_approval_refusal(p_op text, p_new_status text, p_old_status text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_op not in ('INSERT', 'UPDATE') or p_new_status is distinct from 'approved' then 'not_an_approval'
    when p_op = 'UPDATE' and p_old_status = 'approved' then 'already_approved'
  end;
$$;
revoke all on function private.smokeball_approval_refusal(text, text, text) from public, anon, authenticated;
grant execute on function private.smokeball_approval_refusal(text, text, text) to service_role;

-- The trigger function as in 20261201020200_reconnect_without_loss.sql, asking the function above.
create or replace function private.enqueue_auto_sync()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_status text;
begin
  if private.smokeball_approval_refusal(tg_op, new.status, old.status) is not null then
    return null;
  end if;
  -- Only firms that connected Smokeball (now or before a disconnect) with auto-sync on.
  select c.status into v_status from public.smokeball_connections c where c.firm_id = new.firm_id and c.auto_sync;
  if not found then
    return null;
  end if;
  insert into public.sync_jobs (firm_id, kind, subject_id, trigger, last_error_code, last_error_message)
  values (new.firm_id, 'sync_matter', new.matter_id, 'auto',
          case v_status when 'disconnected' then 'disconnected'
                        when 'needs_reauth' then 'smokeball_reauth_required' end,
          case v_status when 'disconnected' then 'Smokeball was disconnected; this sync runs when an admin reconnects'
                        when 'needs_reauth' then 'The Smokeball connection needs re-authorisation; this sync runs when an admin reconnects' end)
  on conflict (firm_id, subject_id) where status = 'queued' and kind = 'sync_matter' do nothing;
  -- The inserted job notes its statement's wake-up itself (smokeball_note_queued_job, 20261126000700),
  -- and only while the firm is connected: a parked job is woken by the reconnect instead.
  return null;
end;
$$;
revoke all on function private.enqueue_auto_sync() from public, anon, authenticated;
