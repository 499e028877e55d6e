import * as fs from 'node:fs';
import { createNodeHost, type Host } from '../include/index.js';
import { writeFileAtomic, type AtomicWriteOptions } from '../fix/write.js';

/** What the CLI touches outside itself; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly host: Host;
  readonly writeFile: (filePath: string, text: string) => void;
  /** Replaces a file atomically (--fix); with `expected`, only while it still holds the bytes that were read. */
  readonly replaceFile: (filePath: string, bytes: Uint8Array, options?: AtomicWriteOptions) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    host: createNodeHost(),
    writeFile: (filePath, text) => fs.writeFileSync(filePath, text),
    replaceFile: writeFileAtomic,
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
  };
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
