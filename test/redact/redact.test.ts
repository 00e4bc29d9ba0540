import { describe, expect, it } from 'vitest';
import { credentialsApart, redactDeep, redactText, redactUrl } from '../../src/redact/index.js';

describe('redaction', () => {
  it('URLs: userinfo, every query value and the fragment become ***; host and path stay', () => {
    expect(
      redactUrl('postgres://u:secret@db.internal:5432/perf?password=secret2&sslmode=require'),
    ).toBe('postgres://***@db.internal:5432/perf?password=***&sslmode=***');
    expect(redactUrl('http://u@h/hook?token=abc&flag#frag')).toBe(
      'http://***@h/hook?token=***&***#***',
    );
    expect(redactUrl('https://h/p')).toBe('https://h/p');
    expect(redactUrl('.perfsight/history.db')).toBe('.perfsight/history.db');
    // Not a URL that `URL` accepts: still no password shown.
    expect(redactUrl('postgres://u:p w@host:99999/db?password=x')).toBe(
      'postgres://***@host:99999/db?password=***',
    );
  });

  it('text: URLs inside messages, credential pairs and bearer tokens; punctuation kept', () => {
    expect(
      redactText('history database postgres://u:pw@h/db?password=pw2: connect ECONNREFUSED'),
    ).toBe('history database postgres://***@h/db?password=***: connect ECONNREFUSED');
    // What pg says when it cannot parse a connection string quotes it.
    expect(redactText('invalid connection string "postgres://me:topsecret@h:x/db".')).toBe(
      'invalid connection string "postgres://***@h:x/db".',
    );
    expect(redactText('PGPASSWORD=pw1 DB_PASSWORD="p w" api_key=k1, token = t1; user=bob')).toBe(
      'PGPASSWORD=*** DB_PASSWORD=*** api_key=***, token = ***; user=bob',
    );
    expect(redactText('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: Bearer ***');
    // Ordinary messages are left alone.
    const plain = 'p95<100ms over 1m for 30s: --token must be at least 8 characters (success>=99%)';
    expect(redactText(plain)).toBe(plain);
    // Idempotent: a redacted message stays as it is.
    const once = redactText('see http://a:b@h/?k=v and password=x.');
    expect(redactText(once)).toBe(once);
    expect(once).toBe('see http://***@h/?k=*** and password=***');
  });

  it('JSON-like values: every string, at any depth', () => {
    expect(
      redactDeep({
        url: 'http://u:p@h/?t=1',
        n: 3,
        list: ['token=abc', null],
        nested: { ok: 'x' },
      }),
    ).toEqual({ url: 'http://***@h/?t=***', n: 3, list: ['token=***', null], nested: { ok: 'x' } });
  });

  it('credentials in a URL become the Basic header they stand for', () => {
    expect(credentialsApart('http://us%40r:p%3Aw@h:1/x?y=1')).toEqual({
      url: 'http://h:1/x?y=1',
      headers: { authorization: `Basic ${Buffer.from('us@r:p:w').toString('base64')}` },
    });
    expect(credentialsApart('http://h/x')).toEqual({ url: 'http://h/x', headers: {} });
  });
});
