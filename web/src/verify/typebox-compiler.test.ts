import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler as Compiler } from '@sinclair/typebox/compiler';
import { SignedDocumentSchema } from '../../../src/documents/envelope.ts';
import { RegisterSnapshotSchema } from '../../../src/documents/register-snapshot.ts';
import { DOCUMENT_SCHEMAS, DOCUMENT_TYPES } from '../../../src/documents/types.ts';
import {
  copy,
  sampleContents,
  sampleRegister,
  signAs,
} from '../../../src/documents/documents.test-helper.ts';
import { TypeCompiler } from './typebox-compiler.ts';

/** The verdict and the first error (path and message) of a check, to compare the two. */
function outcome(
  check: { Check(value: unknown): boolean; Errors(value: unknown): { First(): unknown } },
  value: unknown,
) {
  const first = check.Errors(value).First() as { path: string; message: string } | undefined;
  return { valid: check.Check(value), path: first?.path, message: first?.message };
}

function same(schema: TSchema, values: readonly unknown[]): void {
  const compiled = Compiler.Compile(schema);
  const interpreted = TypeCompiler.Compile(schema);
  for (const value of values)
    assert.deepEqual(outcome(interpreted, value), outcome(compiled, value), JSON.stringify(value));
}

describe("the browser's TypeBox compiler (web/src/verify/typebox-compiler.ts)", () => {
  it('judges every document type as the compiled check does: valid, wrong, misspelt, missing', () => {
    const contents = sampleContents();
    for (const type of DOCUMENT_TYPES) {
      const content = contents[type] as Record<string, unknown>;
      const values: unknown[] = [content, null, 'text', [], {}];
      values.push({ ...content, surprise: 1 });
      for (const key of Object.keys(content)) {
        const without = copy(content);
        delete without[key];
        values.push(without, { ...content, [key]: 12 }, { ...content, [key]: '\u0000' });
      }
      same(DOCUMENT_SCHEMAS[type], values);
    }
  });

  it('judges signed envelopes and register snapshots as the compiled check does', () => {
    const signed = signAs(sampleContents().commercial_invoice);
    same(SignedDocumentSchema, [
      signed,
      { ...signed, format: 'vostro-document/2' },
      { ...signed, signature: { ...signed.signature, algorithm: 'Ed25519' } },
      { ...signed, hash: 'sha256:xyz' },
      { ...signed, extra: true },
    ]);
    const register = sampleRegister();
    const broken = copy(register) as unknown as { issuers: { role: string; keys: unknown[] }[] };
    broken.issuers[0]!.role = 'pirate';
    same(RegisterSnapshotSchema, [register, broken, { ...register, format: 'x' }, {}]);
  });
});
