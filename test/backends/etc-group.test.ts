import { describe, expect, it } from 'vitest';
import { readEtcGroup } from '../../src/backends/readers/etc-group.js';

describe('readEtcGroup', () => {
  it('maps group names to their listed members', () => {
    const text = [
      'root:x:0:',
      'adm:x:4:syslog,ubuntu',
      'www-data:x:33:nginx, deploy ',
      '# a comment',
      '',
      '+:::',
      '-badguys:::',
      'short:x',
      'www-data:x:999:duplicate',
      'docker:x:998:ubuntu\r',
      'nogid:x::alice',
    ].join('\n');
    expect(readEtcGroup('/etc/group', text).groups).toEqual(
      new Map([
        ['root', []],
        ['adm', ['syslog', 'ubuntu']],
        ['www-data', ['nginx', 'deploy']],
        ['docker', ['ubuntu']],
        ['nogid', ['alice']],
      ]),
    );
  });

  it('never throws', () => {
    for (const s of ['', ':', ':::', '\u0000', 'a:b:c:d:e:f', '\uFEFFstaff:x:50:bob']) expect(() => readEtcGroup('/etc/group', s)).not.toThrow();
    expect(readEtcGroup('/etc/group', '\uFEFFstaff:x:50:bob').groups?.get('staff')).toEqual(['bob']);
  });
});
