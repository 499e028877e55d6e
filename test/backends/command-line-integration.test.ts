/** Compose and Procfile with the real command-line reader: the environment hand-over and positions. */
import { describe, expect, it } from 'vitest';
import { readCompose } from '../../src/backends/readers/compose.js';
import { readProcfile } from '../../src/backends/readers/procfile.js';
import { at, valueAt } from './positions.js';

const FILE = '/srv/app/compose.yaml';

describe('compose commands with the real command-line reader', () => {
  it('hands the service environment over: gunicorn binds 0.0.0.0:$PORT', () => {
    const text = ['services:', '  web:', '    build: .', '    command: gunicorn app:app', '    environment:', '      - PORT=5000', ''].join('\n');
    const [l, ...rest] = readCompose(FILE, text).listeners ?? [];
    expect(rest).toEqual([]);
    expect(l).toMatchObject({ kind: 'gunicorn', service: 'web', name: 'web', host: '0.0.0.0', port: 5000 });
    // Wherever the reader places it (the PORT value or the program word), it is a real place in this file.
    expect(l?.source.file).toBe(FILE);
    expect([valueAt(FILE, text, 'PORT=', '5000'), at(FILE, text, 'gunicorn')]).toContainEqual(l?.source);
  });

  it('reads uvicorn flags in a list command, with positions on the list items', () => {
    const text = ['services:', '  api:', '    image: python:3.12-slim', '    command: ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]', ''].join('\n');
    const [l] = readCompose(FILE, text).listeners ?? [];
    expect(l).toMatchObject({ kind: 'uvicorn', service: 'api', host: '0.0.0.0', port: 8080 });
    expect(l?.source.line).toBe(4);
    expect([at(FILE, text, '"0.0.0.0"'), at(FILE, text, '0.0.0.0'), at(FILE, text, '"8080"'), at(FILE, text, '8080')]).toContainEqual(l?.source);
  });

  it('compose interpolation in a command stays unknown', () => {
    const text = ['services:', '  web:', '    build: .', '    command: gunicorn -b 0.0.0.0:${APP_PORT} app:app', ''].join('\n');
    const [l] = readCompose(FILE, text).listeners ?? [];
    expect(l).toMatchObject({ host: '0.0.0.0', symbolic: true });
    expect(l?.port).toBeUndefined();
  });
});

describe('Procfile with the real command-line reader', () => {
  it('reads the Heroku web process', () => {
    const text = 'release: python manage.py migrate\nweb: gunicorn shop.wsgi --bind 0.0.0.0:$PORT --timeout 25\n';
    const [l, ...rest] = readProcfile('/srv/app/Procfile', text).listeners ?? [];
    expect(rest).toEqual([]);
    expect(l).toMatchObject({ kind: 'gunicorn', name: 'web', host: '0.0.0.0', symbolic: true, requestTimeout: { value: 25_000, source: valueAt('/srv/app/Procfile', text, '--timeout ', '25') } });
    expect(l?.port).toBeUndefined();
    expect(l?.source.line).toBe(2);
  });
});
