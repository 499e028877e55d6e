/**
 * nginx is the judge: for each config, the real `nginx -t` and our parser must agree on whether it has a
 * syntax error, on nginx's wording, and on the line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/parser/index.js';
import { nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';

const reason = nginxSkipReason();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const SERVER = 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:8080;\n';

interface Rejected {
  name: string;
  config: string;
  message: string;
  /** Where our error points when it deliberately differs from nginx's line (nginx reports EOF). */
  ourLine?: number;
}

const rejected: Rejected[] = [
  { name: 'missing ; before }', config: SERVER + '    location / { return 200 }\n  }\n}\n', message: 'unexpected "}"' },
  { name: 'unclosed block at EOF', config: SERVER + '    location / {\n      return 204;\n  }\n}\n', message: 'unexpected end of file, expecting "}"' },
  { name: 'missing ; at EOF', config: 'events {}\nworker_processes 1', message: 'unexpected end of file, expecting ";" or "}"' },
  { name: 'missing ; at EOF after newline', config: 'events {}\nworker_processes 1\n', message: 'unexpected end of file, expecting ";" or "}"' },
  { name: 'stray } at top level', config: 'events {}\n}\nhttp {}\n', message: 'unexpected "}"' },
  { name: 'stray ;', config: 'events {}\n;\n', message: 'unexpected ";"' },
  { name: '{ without a name', config: 'events {}\n{\n}\n', message: 'unexpected "{"' },
  { name: 'text glued after a closing quote', config: SERVER + '    add_header "X-A"b 1;\n  }\n}\n', message: 'unexpected "b"' },
  { name: '} glued after a closing quote', config: SERVER + '    location / { return 200 "x"}\n  }\n}\n', message: 'unexpected "}"' },
  { name: 'unterminated double quote', config: SERVER + '    return 200 "abc;\n  }\n}\n', message: 'unexpected end of file, expecting ";" or "}"', ourLine: 5 },
  { name: 'unterminated single quote', config: SERVER + "    return 200 'abc;\n  }\n}\n", message: 'unexpected end of file, expecting ";" or "}"', ourLine: 5 },
  { name: 'CRLF line endings', config: SERVER.replace(/\n/g, '\r\n') + '    location / { return 200 }\r\n  }\r\n}\r\n', message: 'unexpected "}"' },
];

const accepted: { name: string; config: string }[] = [
  { name: 'quoted braces and semicolon', config: SERVER + '    location / { return 200 "}{;"; }\n  }\n}\n' },
  { name: '# inside a word and inside quotes', config: SERVER + '    location /a#b { return 200 "# not a comment"; }\n  }\n}\n' },
  { name: '${var} inside a word', config: SERVER + '    set $x 1;\n    location / { return 200 "${x}y"; add_header X-A ${x}z; }\n  }\n}\n' },
  { name: 'closing quote followed by )', config: SERVER + '    set $a 1;\n    if ($a = "1") { return 204; }\n  }\n}\n' },
  { name: '} inside a bare word', config: SERVER + '    location / { return 200 a}; }\n  }\n}\n' },
  { name: 'escaped quote and backslash', config: SERVER + '    location / { return 200 "a\\"b\\\\"; }\n  }\n}\n' },
  { name: 'string spanning lines', config: SERVER + '    location / { return 200 "line one\nline two"; }\n  }\n}\n' },
  { name: 'tabs, BOM-less CRLF, comments everywhere', config: 'events {}\r\nhttp {\t# c\r\n\tserver { # s\r\n\t\tlisten 127.0.0.1:8080; # l\r\n\t}\r\n}\r\n' },
  { name: 'no final newline', config: 'events {}\nhttp {}' },
  { name: 'comment between name and arguments', config: SERVER + '    location / {\n      return # code follows\n        204;\n    }\n  }\n}\n' },
];

describe.skipIf(reason !== undefined)(`nginx -t syntax parity${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const c of rejected) {
    it(`rejects: ${c.name}`, () => {
      const nginx = nginxTest({ 'nginx.conf': c.config });
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(false);
      expect(nginx.message).toBe(c.message);
      const ours = parse(c.config, { file: 'nginx.conf' });
      expect(ours.errors.length).toBeGreaterThan(0);
      const first = ours.errors[0]!;
      expect(first.message).toBe(c.message);
      expect(first.line).toBe(c.ourLine ?? nginx.line);
    });
  }
  for (const c of accepted) {
    it(`accepts: ${c.name}`, () => {
      const nginx = nginxTest({ 'nginx.conf': c.config });
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(true);
      expect(parse(c.config).errors).toEqual([]);
    });
  }
});
