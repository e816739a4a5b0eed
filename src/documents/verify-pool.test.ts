import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { documentHash } from './canonical.js';
import { copy, sampleContents, sampleContext, signAs } from './documents.test-helper.js';
import { generateKeyPair, signDigest, verifyDigest, type HybridSignature } from './signature.js';
import { VerifierPool, VerifierPoolError } from './verify-pool.js';
import { verifyDocument } from './verify.js';

const key = generateKeyPair(new Uint8Array(64).fill(5));
const digests = Array.from({ length: 4 }, (_, i) => documentHash({ number: `INV-${i}` }));
const signatures = digests.map((digest) => signDigest(digest, key));

const pool = new VerifierPool({ size: 2 });
after(() => pool.close());

describe('VerifierPool', () => {
  it('has one thread per available core by default, at least one', async () => {
    const shared = VerifierPool.shared();
    assert.equal(shared, VerifierPool.shared());
    assert.equal(shared.size, Math.max(1, availableParallelism()));
    assert.equal(new VerifierPool({ size: 0 }).size, 1);
    await shared.close();
    assert.notEqual(
      VerifierPool.shared(),
      shared,
      'closing the shared pool lets a new one be made',
    );
    await VerifierPool.shared().close();
  });

  it('answers each request with its own result, as verifyDigest on this thread would', async () => {
    // Signatures shuffled against digests: only the matching pairs verify.
    const requests = Array.from({ length: 24 }, (_, i) => ({
      digest: digests[i % 4] as string,
      signature: signatures[(i * 3) % 4] as HybridSignature,
    }));
    const answers = await Promise.all(
      requests.map(({ digest, signature }) => pool.verifyDigest(digest, signature, key.publicKey)),
    );
    assert.equal(pool.pending.queued + pool.pending.inFlight, 0);
    requests.forEach(({ digest, signature }, i) => {
      assert.deepEqual(answers[i], verifyDigest(digest, signature, key.publicKey), `request ${i}`);
    });
    assert.ok(answers.some((answer) => answer.mlDsa65.ok && answer.ed25519.ok));
    assert.ok(answers.some((answer) => !answer.mlDsa65.ok && !answer.ed25519.ok));
  });

  it('verifies documents as verifyDocument does on this thread, every check and reason', async () => {
    const signed = Object.values(sampleContents()).map((content) => signAs(content));
    const tampered = copy(signed[0]!);
    tampered.content.number = 'INV-FORGED';
    const inputs: unknown[] = [
      ...signed,
      tampered,
      JSON.stringify(signed[1]),
      '{"not":"a document"}',
    ];
    const context = sampleContext();
    const reports = await Promise.all(inputs.map((input) => pool.verify(input, context)));
    inputs.forEach((input, i) => {
      assert.deepEqual(reports[i], verifyDocument(input, context), `input ${i}`);
    });
    assert.equal(reports.filter((report) => report.valid).length, signed.length + 1);
    assert.equal(
      reports[signed.length]?.checks.find((check) => check.name === 'canonical_hash')?.status,
      'fail',
    );
  });

  it('rejects a request that cannot be sent, and goes on serving the others', async () => {
    const unclonable = { ...signatures[0], extra: () => 1 } as unknown as HybridSignature;
    await assert.rejects(
      pool.verifyDigest(digests[0] as string, unclonable, key.publicKey),
      (error: unknown) =>
        error instanceof VerifierPoolError &&
        /^the request could not be sent to a verifier thread: /.test(error.message),
    );
    const answer = await pool.verifyDigest(
      digests[0] as string,
      signatures[0] as HybridSignature,
      key.publicKey,
    );
    assert.ok(answer.mlDsa65.ok && answer.ed25519.ok);
  });

  it('close() rejects queued and in-flight requests and refuses new ones', async () => {
    const closing = new VerifierPool({ size: 1 });
    const requests = Array.from({ length: 6 }, () =>
      closing.verifyDigest(digests[1] as string, signatures[1] as HybridSignature, key.publicKey),
    );
    assert.deepEqual(closing.pending, { queued: 4, inFlight: 2 });
    const settled = Promise.allSettled(requests);
    await closing.close();
    const outcomes = await settled;
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.reason instanceof VerifierPoolError);
      assert.equal(outcome.reason.message, 'the verifier pool was closed');
    }
    await assert.rejects(
      closing.verifyDigest(digests[1] as string, signatures[1] as HybridSignature, key.publicKey),
      { name: 'VerifierPoolError', message: 'the verifier pool is closed' },
    );
    await closing.close();
  });

  it('keeps a process alive while it waits for an answer, and not once idle', async () => {
    // A process that awaits one verification at top level and never closes its pool: it must
    // print the answer (a thread is ref'd while it holds a request) and then exit by itself
    // (idle threads are unref'd).
    const here = new URL('.', import.meta.url);
    const script = `
      import { VerifierPool } from ${JSON.stringify(new URL('verify-pool.ts', here).href)};
      import { generateKeyPair, signDigest } from ${JSON.stringify(new URL('signature.ts', here).href)};
      const key = generateKeyPair(new Uint8Array(64).fill(9));
      const digest = 'ab'.repeat(32);
      const answer = await VerifierPool.shared().verifyDigest(digest, signDigest(digest, key), key.publicKey);
      console.log(answer.mlDsa65.ok && answer.ed25519.ok ? 'verified' : 'refused');
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { timeout: 30_000 },
    );
    assert.equal(stdout.trim(), 'verified');
  });
});
