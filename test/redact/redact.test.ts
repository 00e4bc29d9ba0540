import { describe, expect, it } from 'vitest';
import { credentialsApart, redactDeep, redactText, redactUrl } from '../../src/redact/index.js';
import { holdsGeneratedKey } from '../../src/redact/_path.js';
import { seededRandom } from '../../src/random/index.js';

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

  describe('secrets in a URL path', () => {
    // Each row: the URL as given, then as shown. Slack, Discord and Teams webhooks are the
    // secret themselves; Telegram keys its bot API in a segment.
    const hidden: Array<[string, string]> = [
      [
        'https://hooks.slack.com/services/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',
        'https://hooks.slack.com/services/***/***/***',
      ],
      [
        'https://hooks.slack.com/workflows/T01/A02/123/abc',
        'https://hooks.slack.com/workflows/***/***/***/***',
      ],
      [
        'https://discord.com/api/webhooks/1122334455667788990/aBcD-eFgH_iJkLmNoPqRsTuV',
        'https://discord.com/api/webhooks/***/***',
      ],
      [
        'https://discordapp.com/api/v10/webhooks/12/short',
        'https://discordapp.com/api/v10/webhooks/***/***',
      ],
      [
        'https://contoso.webhook.office.com/webhookb2/3fa85f64-5717-4562-b3fc-2c963f66afa6@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/0a1b2c3d4e5f60718293a4b5c6d7e8f9/5d6f4a1e-0c2b-4b8e-9a6d-3e2f1c0b9a87',
        'https://contoso.webhook.office.com/webhookb2/***/***/***/***',
      ],
      [
        'https://outlook.office.com/webhook/abc@def/IncomingWebhook/123/456',
        'https://outlook.office.com/webhook/***/***/***/***',
      ],
      [
        'https://api.telegram.org/bot123456:ABC-DEF1ghIkl/sendMessage',
        'https://api.telegram.org/***/sendMessage',
      ],
      // Self-hosted chat (Mattermost, Rocket.Chat), Zapier: after a segment named hook(s).
      ['https://chat.example.org/hooks/xi3bs8fmzbgq5pdz7ea1', 'https://chat.example.org/hooks/***'],
      [
        'https://hooks.zapier.com/hooks/catch/123/abcdef1/',
        'https://hooks.zapier.com/hooks/***/***/***/',
      ],
      // Generated keys on any host, at any place in the path.
      [
        'http://127.0.0.1:8080/v1/sk_live_4eC39HqLyjWDarjtT1zdp7dc/predict',
        'http://127.0.0.1:8080/v1/***/predict',
      ],
      ['https://h/ghp_R2d9XkQ0pLm7VbT4sNw8JcY1aZe5HuFg3KoI/x', 'https://h/***/x'],
      ['https://h/keys/5f4dcc3b5aa765d61d8327deb882cf99', 'https://h/keys/***'],
      ['https://hc-ping.com/3fa85f64-5717-4562-b3fc-2c963f66afa6', 'https://hc-ping.com/***'],
      ['https://h/a/xK9mP2vQ8rL5nW3j', 'https://h/a/***'],
      ['https://h/a/q2w9e8r7t6y5u4i3o1p0', 'https://h/a/***'],
      ['https://h/a/AbCdEfGhIjKlMnOpQrStUvWx', 'https://h/a/***'],
      // base64url, split by its '-' and '_' into short runs: 32+ characters in all.
      ['https://h/a/aB3-dE5_gH7-jK9_mN1-pQ3_sT5-vW7_yZ9', 'https://h/a/***'],
      // Percent-encoded base64 is decoded before it is judged.
      ['https://h/t/ab12CD34ef56%2BGH78ij90%2FKLmn34OPqr%3D', 'https://h/t/***'],
    ];
    it.each(hidden)('%s: its key is hidden', (url, shown) => {
      expect(redactUrl(url)).toBe(shown);
      // The same inside a message, and once hidden it stays as it is.
      expect(redactText(`POST ${url}: HTTP 500`)).toBe(`POST ${shown}: HTTP 500`);
      expect(redactUrl(shown)).toBe(shown);
    });

    // Paths of APIs and models people measure: nothing in them is a key.
    const ordinary = [
      'http://127.0.0.1:8080/api/v1/users/42',
      'http://127.0.0.1:8080/predict',
      'https://h/v1/models/resnet50:predict',
      'https://h/models/distilbert-base-uncased-finetuned-sst-2-english/infer',
      'https://h/models/sentence-transformers/all-MiniLM-L6-v2',
      'https://h/v1/models/Qwen2.5-7B-Instruct/generate',
      'https://h/openai/deployments/gpt-4o-mini-2024-07-18/chat/completions',
      'https://h/api/getUserProfileById',
      'https://h/api/getAllUserProfilesByOrganizationId',
      'https://h/models/InceptionResNetV2/EfficientNetV2B3Imagenet',
      'https://h/graphql/transactionHistory2024Q1',
      'https://h/reports/2024-01-01T00:00:00.000Z/report-2024-01-01-final-v2.html',
      'https://h/dist/node-v20.11.1-linux-x64.tar.xz',
      'https://h/api/v1/namespaces/kube-system/pods/my-app-7d9f8c6b5-x2k9p',
      'https://h/v1beta1/projects/my-project/locations/us-central1/endpoints/1234567890123456789',
      'https://h/orders/INV-2024-000123/IMG_20240101_123456.jpg',
      'https://h/hook',
      'https://h/webhook-status/ok',
      'https://h/services/ClassificationModelV3Large',
      'https://hooks.slack.com/',
      'https://hooks.slack.com/services',
    ];
    it.each(ordinary)('%s: shown as given', (url) => {
      expect(redactUrl(url)).toBe(url);
      expect(redactText(`GET ${url}.`)).toBe(`GET ${url}.`);
    });

    it('file paths and file: URLs are not URLs with keys: left alone', () => {
      for (const path of [
        '/models/5f4dcc3b5aa765d61d8327deb882cf99.onnx',
        'file:///models/5f4dcc3b5aa765d61d8327deb882cf99.onnx',
      ]) {
        expect(redactUrl(path)).toBe(path);
      }
    });

    it('generated keys of the usual alphabets, 1000 of each, seeded: hidden; the same length of words: not', () => {
      const random = seededRandom(7);
      const key = (alphabet: string, length: number) =>
        Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const digits = '0123456789';
      const lower = 'abcdefghijklmnopqrstuvwxyz';
      const upper = lower.toUpperCase();
      const alphabets: Array<[string, string, number, number]> = [
        // name, alphabet, length, the share that must be hidden
        ['hex', digits + 'abcdef', 32, 1],
        ['base62', digits + lower + upper, 32, 0.999],
        ['base62', digits + lower + upper, 24, 0.99],
        ['base64url', digits + lower + upper + '-_', 43, 0.999],
        ['lowercase and digits', digits + lower, 26, 0.97],
      ];
      for (const [name, alphabet, length, share] of alphabets) {
        let found = 0;
        for (let i = 0; i < 1000; i++) if (holdsGeneratedKey(key(alphabet, length))) found++;
        expect(found / 1000, `${name} × ${length}`).toBeGreaterThanOrEqual(share);
      }
    });
  });
});
