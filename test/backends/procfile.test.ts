import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseProcfile, readProcfile } from '../../src/backends/readers/procfile.js';
import { calls } from './fake-command-line.js';
import { valueAt } from './positions.js';

vi.mock('../../src/backends/readers/command-line.js', async () => await import('./fake-command-line.js'));

const FILE = '/srv/app/Procfile';

describe('readProcfile', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('passes every process line to the command-line reader at its place, named after the process type', () => {
    const text = 'web: gunicorn app:app --bind 0.0.0.0:$PORT --log-file -\nworker:  celery -A app worker\n# release: python manage.py migrate\n';
    const r = readProcfile(FILE, text);
    expect(calls).toEqual([
      { file: FILE, line: 1, column: 6, command: 'gunicorn app:app --bind 0.0.0.0:$PORT --log-file -', options: { name: 'web' } },
      { file: FILE, line: 2, column: 10, command: 'celery -A app worker', options: { name: 'worker' } },
    ]);
    expect(r.listeners).toEqual([expect.objectContaining({ name: 'web', host: '0.0.0.0', symbolic: true, source: valueAt(FILE, text, '--bind ', '0.0.0.0:$PORT') })]);
  });

  it('parses names and skips empty commands', () => {
    expect(parseProcfile('\ufeffweb: a\r\nclock:\r\nnot a line\r\n  api : b  \r\n').map((e) => [e.name, e.command, e.line, e.column])).toEqual([
      ['web', 'a', 1, 7], // the BOM counts as a column, as in SourceText
      ['api', 'b', 4, 9],
    ]);
  });
});
