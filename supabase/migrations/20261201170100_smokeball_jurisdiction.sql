-- A firm's jurisdiction for Smokeball, unambiguous: country + state/territory (ISO 3166-2: `US-WA`
-- Washington, `AU-WA` Western Australia, `GB-ENG`). The host's `firms.jurisdiction` is a bare code in
-- which `WA` is both states, and a WA firm was sent to the US region. `firms` is the host's table, so its
-- `jurisdiction` column is left exactly as it is; the integration adds its own column
-- `smokeball_jurisdiction`, from which the code derives Smokeball's region, the matter-type `Location` and
-- the default phone country (shared/smokeball/jurisdiction.ts holds the same rule in TypeScript).
--
-- Filling it: from the host code when that is unambiguous; `WA` takes the region of the firm's Smokeball
-- connection when there is one (that is where its data already lives), else stays null until an admin
-- sets it or connects naming a region. New and changed host codes are filled the same way by a trigger;
-- admins may set the column themselves (same row policy as the rest of `firms`).

create or replace function private.smokeball_jurisdiction_for(code text, region text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when upper(code) = 'WA' then case region when 'US' then 'US-WA' when 'AU' then 'AU-WA' end
    when upper(code) in ('NSW','VIC','QLD','SA','TAS','ACT','NT') then 'AU-' || upper(code)
    when upper(code) in ('ENG','WLS','SCT','NIR') then 'GB-' || upper(code)
    when upper(code) in ('AL','AK','AZ','AR','CA','CO','CT','DE','DC','FL','GA','HI','ID','IL','IN','IA','KS','KY','LA',
      'ME','MD','MA','MI','MN','MS','MO','MT','NE','NV','NH','NJ','NM','NY','NC','ND','OH','OK','OR','PA','RI','SC',
      'SD','TN','TX','UT','VT','VA','WV','WI','WY') then 'US-' || upper(code)
  end
$$;
revoke all on function private.smokeball_jurisdiction_for(text, text) from public;

alter table public.firms add column if not exists smokeball_jurisdiction text
  constraint smokeball_jurisdiction_known check (smokeball_jurisdiction ~ '^(US-(A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[TA]|W[AVIY])|AU-(NSW|VIC|QLD|WA|SA|TAS|ACT|NT)|GB-(ENG|WLS|SCT|NIR))$');
comment on column public.firms.smokeball_jurisdiction is
  'The firm''s jurisdiction for Smokeball as country-subdivision (US-WA, AU-WA, GB-ENG); null only while a bare WA is undecided.';

update public.firms f
set smokeball_jurisdiction = private.smokeball_jurisdiction_for(
  f.jurisdiction, (select sc.region from public.smokeball_connections sc where sc.firm_id = f.id))
where f.smokeball_jurisdiction is null;

-- A new firm, or a changed host code that no longer names the same subdivision, is filled again.
create or replace function private.smokeball_fill_firm_jurisdiction()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.smokeball_jurisdiction is null
     or (tg_op = 'UPDATE' and new.jurisdiction is distinct from old.jurisdiction
         and new.smokeball_jurisdiction is not distinct from old.smokeball_jurisdiction
         and split_part(new.smokeball_jurisdiction, '-', 2) <> upper(new.jurisdiction)) then
    new.smokeball_jurisdiction := private.smokeball_jurisdiction_for(
      new.jurisdiction, (select sc.region from public.smokeball_connections sc where sc.firm_id = new.id));
  end if;
  return new;
end
$$;
revoke all on function private.smokeball_fill_firm_jurisdiction() from public;

create trigger smokeball_fill_jurisdiction before insert or update of jurisdiction, smokeball_jurisdiction on public.firms
  for each row execute function private.smokeball_fill_firm_jurisdiction();

-- Connecting names a region: an undecided `WA` firm takes it.
create or replace function private.smokeball_jurisdiction_from_connection()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.firms f
  set smokeball_jurisdiction = private.smokeball_jurisdiction_for(f.jurisdiction, new.region)
  where f.id = new.firm_id and f.smokeball_jurisdiction is null;
  return new;
end
$$;
revoke all on function private.smokeball_jurisdiction_from_connection() from public;

create trigger smokeball_connection_sets_jurisdiction after insert or update of region on public.smokeball_connections
  for each row execute function private.smokeball_jurisdiction_from_connection();

grant update (smokeball_jurisdiction) on table public.firms to authenticated;
