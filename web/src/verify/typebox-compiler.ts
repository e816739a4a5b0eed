// `@sinclair/typebox/compiler` for the browser. TypeBox's compiler turns a schema into JavaScript
// and runs it with `new Function`, which the dashboard's Content-Security-Policy (`script-src
// 'self'`, no 'unsafe-eval') refuses, as it should. scripts/build-web.mjs resolves the compiler to
// this file, whose checks are TypeBox's own interpreter (`Value.Check`, `Errors`) over the same
// schemas: the same verdicts and the same first error (typebox-compiler.test.ts compares them on
// the document schemas), slower, which a page verifying one file does not notice.
import type { Static, TSchema } from '@sinclair/typebox';
import { Errors, type ValueErrorIterator } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

export class TypeCheck<T extends TSchema> {
  constructor(
    private readonly schema: T,
    private readonly references: TSchema[],
  ) {}

  Check(value: unknown): value is Static<T> {
    return Value.Check(this.schema, this.references, value);
  }

  Errors(value: unknown): ValueErrorIterator {
    return Errors(this.schema, this.references, value);
  }

  Schema(): T {
    return this.schema;
  }
}

export const TypeCompiler = {
  Compile<T extends TSchema>(schema: T, references: TSchema[] = []): TypeCheck<T> {
    return new TypeCheck(schema, references);
  },
};
