-- Demo data for the local stack (`npm start`) and the tests. Idempotent: fixed ids and
-- `on conflict do nothing`, so running it again changes nothing (and never overwrites edits).
--
-- Firms
--   f0000000-0000-4000-8000-000000000001  Demo Law Firm   (IL)
--   f0000000-0000-4000-8000-000000000002  Other Firm LLP  (CA)
-- Users (auth.users)
--   a0000000-0000-4000-8000-000000000001  admin@demo.casehug.test   admin of Demo Law Firm
--   a0000000-0000-4000-8000-000000000002  member@demo.casehug.test  member of Demo Law Firm
--   a0000000-0000-4000-8000-000000000003  admin@other.casehug.test  admin of Other Firm LLP
-- Clients       c0000000-0000-4000-8000-00000000000N (1–3 Demo, 4 Other)
-- Matters       d0000000-0000-4000-8000-00000000000N (1–5 Demo, 6 Other)
-- Documents     e0000000-0000-4000-8000-00000000000N (1–7 Demo, 8 Other)
-- No Smokeball connection is seeded: connect through the OAuth flow (the simulator locally).
--
-- Storage objects the stack creates (bucket `documents`; path = `<firm_id>/<matter_id>/<file name>`;
-- size in bytes; content type). Keep this list in sync with the documents inserted below.
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000001/marriage-certificate.pdf 2048 application/pdf
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000001/financial-affidavit.pdf 4096 application/pdf
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/police-report.pdf 3072 application/pdf
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/vehicle-photo.jpg 1536 image/jpeg
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000003/green-card.pdf 1024 application/pdf
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000004/draft-will.docx 5120 application/vnd.openxmlformats-officedocument.wordprocessingml.document
--   documents f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000005/salvage-claim.pdf 2560 application/pdf
--   documents f0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000006/other-firm-will.pdf 1024 application/pdf

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'admin@demo.casehug.test'),
  ('a0000000-0000-4000-8000-000000000002', 'member@demo.casehug.test'),
  ('a0000000-0000-4000-8000-000000000003', 'admin@other.casehug.test')
on conflict do nothing;

insert into public.firms (id, name, jurisdiction) values
  ('f0000000-0000-4000-8000-000000000001', 'Demo Law Firm', 'IL'),
  ('f0000000-0000-4000-8000-000000000002', 'Other Firm LLP', 'CA')
on conflict do nothing;

insert into public.firm_members (firm_id, user_id, role) values
  ('f0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'admin'),
  ('f0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'member'),
  ('f0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003', 'admin')
on conflict do nothing;

insert into public.clients (id, firm_id, first_name, last_name, email, phone) values
  ('c0000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 'Jordan', 'Rivera', 'jordan.rivera@example.com', '+1 312 555 0101'),
  ('c0000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'Priya', 'Natarajan', 'priya.natarajan@example.com', '+1 312 555 0102'),
  ('c0000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-000000000001', 'Tomasz', 'Kowalski', 'tomasz.kowalski@example.com', null),
  ('c0000000-0000-4000-8000-000000000004', 'f0000000-0000-4000-8000-000000000002', 'Avery', 'Chen', 'avery.chen@example.com', '+1 415 555 0104')
on conflict do nothing;

insert into public.matters (id, firm_id, client_id, case_type, case_number, title, description, status) values
  ('d0000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001',
    'divorce_standard', 'DEMO-0001', 'Rivera divorce', 'Contested divorce, two children.', 'open'),
  ('d0000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002',
    'auto_accident', 'DEMO-0002', 'Natarajan v. Midwest Freight', 'Rear-end collision on I-90.', 'pending'),
  ('d0000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000003',
    'naturalization', 'DEMO-0003', 'Kowalski naturalization', 'N-400 application.', 'open'),
  ('d0000000-0000-4000-8000-000000000004', 'f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001',
    'will', 'DEMO-0004', 'Rivera will', null, 'closed'),
  -- A case type with no built-in mapping: syncing it fails with matter_type_unmapped until the firm adds
  -- a case_type_mappings row.
  ('d0000000-0000-4000-8000-000000000005', 'f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002',
    'maritime_salvage', 'DEMO-0005', 'Natarajan salvage claim', 'Lake Michigan salvage.', 'open'),
  ('d0000000-0000-4000-8000-000000000006', 'f0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000004',
    'will', 'OTHER-0001', 'Chen will', null, 'open')
on conflict do nothing;

insert into public.documents (id, firm_id, matter_id, status, file_name, storage_bucket, storage_path, size_bytes, content_type, approved_at) values
  ('e0000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001',
    'approved', 'marriage-certificate.pdf', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000001/marriage-certificate.pdf', 2048, 'application/pdf', now()),
  ('e0000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001',
    'pending', 'financial-affidavit.pdf', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000001/financial-affidavit.pdf', 4096, 'application/pdf', null),
  ('e0000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002',
    'approved', 'police-report.pdf', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/police-report.pdf', 3072, 'application/pdf', now()),
  ('e0000000-0000-4000-8000-000000000004', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002',
    'rejected', 'vehicle-photo.jpg', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/vehicle-photo.jpg', 1536, 'image/jpeg', null),
  ('e0000000-0000-4000-8000-000000000005', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003',
    'pending', 'green-card.pdf', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000003/green-card.pdf', 1024, 'application/pdf', null),
  ('e0000000-0000-4000-8000-000000000006', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000004',
    'approved', 'draft-will.docx', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000004/draft-will.docx', 5120,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document', now()),
  ('e0000000-0000-4000-8000-000000000007', 'f0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000005',
    'pending', 'salvage-claim.pdf', 'documents',
    'f0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000005/salvage-claim.pdf', 2560, 'application/pdf', null),
  ('e0000000-0000-4000-8000-000000000008', 'f0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000006',
    'approved', 'other-firm-will.pdf', 'documents',
    'f0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000006/other-firm-will.pdf', 1024, 'application/pdf', now())
on conflict do nothing;
