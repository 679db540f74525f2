// The pool's TLS decision: loopback stays plain, any other host is encrypted (a project with "Enforce SSL"
// refuses plain connections), and an sslmode written in the URL wins over both.
import { describe, expect, test } from 'vitest';
import { createSql, tlsFor } from '../../../shared/db/sql.ts';

describe('tlsFor()', () => {
  test.each([
    ['postgresql://postgres:pw@127.0.0.1:54322/postgres', false],
    ['postgresql://postgres:pw@127.8.9.10:5432/postgres', false],
    ['postgresql://postgres:pw@localhost:5432/postgres', false],
    ['postgresql://postgres:pw@LOCALHOST/postgres', false],
    ['postgresql://postgres:pw@[::1]:5432/postgres', false],
    ['postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres', 'require'],
    ['postgresql://postgres.abcdefghijklmnop:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres', 'require'],
    ['postgresql://postgres:pw@10.0.0.5:5432/postgres', 'require'],
    ['postgresql://postgres:pw@[2a05:d018::1]:5432/postgres', 'require'],
    // Looks local, is not: a name that only starts with a loopback address.
    ['postgresql://postgres:pw@127.0.0.1.example.com:5432/postgres', 'require'],
  ])('%s → ssl %s', (url, ssl) => {
    expect(tlsFor(url)).toEqual({ ssl });
  });

  test('an sslmode (or ssl, sslrootcert) in the URL wins: no ssl option is passed that would override it', () => {
    expect(tlsFor('postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable')).toEqual({});
    expect(tlsFor('postgresql://postgres:pw@127.0.0.1:5432/postgres?sslmode=require')).toEqual({});
    expect(tlsFor('postgresql://postgres:pw@db.x.supabase.co/postgres?sslrootcert=system')).toEqual({});
    expect(tlsFor('postgresql://postgres:pw@db.x.supabase.co/postgres?ssl=verify-full')).toEqual({});
  });

  test('a string that is not a URL is encrypted (fail closed)', () => {
    expect(tlsFor('not a url')).toEqual({ ssl: 'require' });
  });
});

describe('createSql()', () => {
  // postgres.js exposes the options it resolved; no connection is opened until the first query.
  test.each([
    ['postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres', 'require'],
    ['postgresql://postgres:pw@127.0.0.1:5432/postgres', false],
    ['postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full', 'verify-full'],
    ['postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable', false],
  ])('%s connects with ssl %s', async (url, ssl) => {
    const sql = createSql(url);
    try {
      expect(sql.options.ssl).toBe(ssl);
    } finally {
      await sql.end();
    }
  });

  test('the pool is small, gives idle connections back quickly and bounds the connect wait', async () => {
    const sql = createSql('postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres');
    try {
      expect(sql.options.max).toBeLessThanOrEqual(3);
      expect(sql.options.idle_timeout).toBeGreaterThan(0);
      expect(sql.options.idle_timeout).toBeLessThanOrEqual(20);
      expect(sql.options.connect_timeout).toBeLessThanOrEqual(10);
      expect(sql.options.prepare).toBe(false);
    } finally {
      await sql.end();
    }
  });
});
