import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('vostro (the process)', () => {
  it('ends quietly with status 0 when its reader has closed the pipe (| head)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'corridors', 'nodes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    // Close our end before vostro writes, as `head -1` has done by the time the rest arrives.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(errors, '');
    assert.equal(code, 0);
  });
});
