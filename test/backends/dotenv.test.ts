import { describe, expect, it } from 'vitest';
import { parseDotenv, readDotenv } from '../../src/backends/readers/dotenv.js';
import { valueAt } from './positions.js';

const FILE = '/srv/shop-api/.env';

describe('readDotenv', () => {
  it('reads PORT (and HOST) of a realistic .env', () => {
    const text = ['# shop-api settings', 'NODE_ENV=production', 'DATABASE_URL="postgres://shop:secret@db:5432/shop"', 'PORT=3001', 'SESSION_SECRET=abc#123', ''].join('\n');
    expect(readDotenv(FILE, text)).toEqual({
      listeners: [{ kind: 'dotenv', name: 'shop-api', protocol: 'http', transport: 'tcp', port: 3001, source: valueAt(FILE, text, 'PORT=', '3001') }],
    });
    const withHost = 'export HOST=127.0.0.1\nexport PORT = "8080" # the API\n';
    expect(readDotenv(FILE, withHost).listeners).toEqual([
      { kind: 'dotenv', name: 'shop-api', protocol: 'http', transport: 'tcp', host: '127.0.0.1', port: 8080, source: valueAt(FILE, withHost, 'PORT = "', '8080') },
    ]);
  });

  it('keeps references symbolic, and the last PORT wins', () => {
    const [l] = readDotenv(FILE, 'PORT=3000\nPORT=${APP_PORT:-4000}\n').listeners ?? [];
    expect(l).toMatchObject({ symbolic: true, source: { line: 2, column: 6, endColumn: 23 } });
    expect(l?.port).toBeUndefined();
    // Single quotes are literal.
    expect(readDotenv(FILE, "PORT='5000'\nHOST='$HOST'\n").listeners?.[0]).toMatchObject({ port: 5000, host: '$HOST' });
  });

  it('has no listener without PORT', () => {
    expect(readDotenv(FILE, 'HOST=0.0.0.0\n')).toEqual({ listeners: [] });
    expect(readDotenv(FILE, '')).toEqual({ listeners: [] });
  });

  it('parses quoted, multi-line and commented values', () => {
    const entries = parseDotenv(FILE, 'A="x\ny"\nB=plain # comment\nC=\'q#r\'\n# D=1\nE=\n');
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ['A', 'x\ny'],
      ['B', 'plain'],
      ['C', 'q#r'],
      ['E', ''],
    ]);
  });

  it('never throws', () => {
    for (const t of ['PORT="unterminated', '=', 'PORT', '\u0000PORT=1', 'PORT=99999']) expect(() => readDotenv(FILE, t)).not.toThrow();
    expect(readDotenv(FILE, 'PORT=99999').listeners?.[0]).toMatchObject({ symbolic: true });
  });
});
