import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/fix/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-write-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('replaces contents, keeps the mode, leaves no temp file', () => {
  const file = path.join(dir, 'a.conf');
  fs.writeFileSync(file, 'old');
  fs.chmodSync(file, 0o604);
  writeFileAtomic(file, Buffer.from('new'));
  expect(fs.readFileSync(file, 'utf8')).toBe('new');
  expect(fs.statSync(file).mode & 0o777).toBe(0o604);
  expect(fs.readdirSync(dir)).toEqual(['a.conf']);
});

it('writes through a symlink (chains too) and keeps the link', () => {
  fs.mkdirSync(path.join(dir, 'real'));
  const target = path.join(dir, 'real', 'b.conf');
  fs.writeFileSync(target, 'old');
  fs.symlinkSync(target, path.join(dir, 'link1'));
  fs.symlinkSync(path.join(dir, 'link1'), path.join(dir, 'link2'));
  writeFileAtomic(path.join(dir, 'link2'), Buffer.from('new'));
  expect(fs.lstatSync(path.join(dir, 'link2')).isSymbolicLink()).toBe(true);
  expect(fs.readFileSync(target, 'utf8')).toBe('new');
});

it('fails without leaving a temp file when the target does not exist', () => {
  expect(() => writeFileAtomic(path.join(dir, 'missing', 'x.conf'), Buffer.from('x'))).toThrow();
  expect(fs.readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
});
