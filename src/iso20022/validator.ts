/**
 * XSD validation with a bounded error report. libxml2-wasm's `XsdValidator.validate` keeps every
 * error with the XPath of its node, and computing that path counts the node's earlier siblings:
 * a 7 MB message with a stray attribute on each of its 270,000 elements took 21 s of CPU there
 * (quadratic in the number of transactions). Here the compiled schema validates the document with
 * an error handler that counts every error but keeps only the first few, with their node; their
 * paths are computed afterwards (tree.ts). Same schema, same libxml2 call, linear cost.
 */
import type { XmlDocument, XsdValidator } from 'libxml2-wasm';
import * as libxml2 from 'libxml2-wasm/lib/libxml2.mjs';
import { elementPath, pointerOf, type NodePtr } from './tree.js';

export interface SchemaErrors {
  /** Every error libxml2 reported. */
  readonly count: number;
  /** The first ones, in document order: `path` names the element (or `line N` without one). */
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

interface Collecting {
  count: number;
  readonly keep: number;
  readonly kept: { message: string; line: number; node: NodePtr }[];
}

/** The errors of the validation under way (validation is synchronous: one at a time). */
let collecting: Collecting = { count: 0, keep: 0, kept: [] };

/** `addFunction` is exported by libxml2-wasm's module but not declared in its types. */
const { addFunction } = libxml2 as unknown as {
  addFunction(
    this: void,
    handler: (data: number, error: number) => void,
    signature: string,
  ): number;
};

const handler = addFunction((_data: number, error: number) => {
  collecting.count += 1;
  if (collecting.kept.length < collecting.keep) {
    collecting.kept.push({
      message: libxml2.XmlErrorStruct.message(error),
      line: libxml2.XmlErrorStruct.line(error),
      node: libxml2.XmlErrorStruct.node(error),
    });
  }
}, 'vii');

/**
 * One validation context per compiled schema, made on first use and kept with it: libxml2 resets
 * a context at the start of each validation (xmllint validates every file with one), and making
 * one per message cost a fifth of a small message's validation.
 */
const contexts = new WeakMap<XsdValidator, number>();

function contextOf(schema: XsdValidator): number {
  let context = contexts.get(schema);
  if (context === undefined) {
    context = libxml2.xmlSchemaNewValidCtxt(pointerOf(schema));
    libxml2.xmlSchemaSetValidStructuredErrors(context, handler, 0);
    contexts.set(schema, context);
  }
  return context;
}

/**
 * Validates `document` against the compiled `schema`; undefined when valid, otherwise the error
 * count and the first `keep` errors. Throws if libxml2 fails internally.
 */
export function schemaErrors(
  schema: XsdValidator,
  document: XmlDocument,
  keep: number,
): SchemaErrors | undefined {
  const context = contextOf(schema);
  const state: Collecting = { count: 0, keep, kept: [] };
  collecting = state;
  const result = libxml2.xmlSchemaValidateDoc(context, pointerOf(document));
  if (result < 0) throw new Error(`libxml2 could not validate the document (${result})`);
  if (result === 0) return undefined;
  return {
    count: Math.max(state.count, 1),
    errors: state.kept.map(({ message, line, node }) => ({
      path: node === 0 ? `line ${line}` : elementPath(node),
      message,
    })),
  };
}
