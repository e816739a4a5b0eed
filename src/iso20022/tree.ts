/**
 * Reading libxml2's own tree of a parsed document through its node pointers, without creating a
 * JavaScript wrapper per node. The public libxml2-wasm API (XmlElement.firstChild, .next,
 * .name …) makes an object for every step and costs about four times as much (measured in
 * docs/iso20022.md); XPath costs more still. The accessors used here are the ones libxml2-wasm
 * itself is built on (its `libxml2.mjs` module: struct field readers at fixed offsets). The
 * package is pinned to 0.7.x, and src/iso20022/tree.test.ts compares every reading with the
 * public API's, so that a layout change fails a test rather than misreading a message.
 *
 * Reading the tree libxml2 validated, rather than parsing the same text again with another
 * parser, also means that no second parser can see a different document than the validator did.
 */
import type { XmlDocument, XsdValidator } from 'libxml2-wasm';
import {
  XmlNodeStruct,
  XmlNsStruct,
  xmlDocGetRootElement,
  xmlNodeGetContent,
} from 'libxml2-wasm/lib/libxml2.mjs';

/** A node pointer into the document's tree; valid until the document is disposed. */
export type NodePtr = number;

const ELEMENT = 1;
const ATTRIBUTE = 2;
const { type, name_: name, children, next, prev, parent, namespace, properties } = XmlNodeStruct;

/**
 * The pointer behind a libxml2-wasm document or compiled schema (their `_ptr`, not part of the
 * typed API). Throws once the object is disposed: libxml2 has freed the memory.
 */
export function pointerOf(object: XmlDocument | XsdValidator): number {
  const ptr = (object as unknown as { _ptr?: unknown })._ptr;
  if (typeof ptr !== 'number' || ptr === 0) throw new Error('already disposed');
  return ptr;
}

/** The root element. */
export function rootElement(document: XmlDocument): NodePtr {
  return xmlDocGetRootElement(pointerOf(document));
}

/** The element's name without its prefix. */
export function localName(element: NodePtr): string {
  return name(element);
}

/** The element's namespace URI, '' when it has none. */
export function namespaceUri(element: NodePtr): string {
  const ns = namespace(element);
  return ns === 0 ? '' : XmlNsStruct.href(ns);
}

/** The first child element, 0 when there is none. */
export function firstElement(parent: NodePtr): NodePtr {
  let node = children(parent);
  while (node !== 0 && type(node) !== ELEMENT) node = next(node);
  return node;
}

/** The next sibling element, 0 when there is none. */
export function nextElement(element: NodePtr): NodePtr {
  let node = next(element);
  while (node !== 0 && type(node) !== ELEMENT) node = next(node);
  return node;
}

/** The text of an element: all its text and CDATA descendants, entities already replaced. */
export function textOf(element: NodePtr): string {
  return xmlNodeGetContent(element);
}

/** The value of the attribute `attribute` (no namespace), undefined when absent. */
export function attributeOf(element: NodePtr, attribute: string): string | undefined {
  for (let attr = properties(element); attr !== 0; attr = next(attr)) {
    if (namespace(attr) === 0 && name(attr) === attribute) return xmlNodeGetContent(attr);
  }
  return undefined;
}

/** The element's name, with its position among same-named siblings when it has any. */
function step(node: NodePtr): string {
  const own = name(node);
  let before = 0;
  for (let sibling = prev(node); sibling !== 0; sibling = prev(sibling)) {
    if (type(sibling) === ELEMENT && name(sibling) === own) before += 1;
  }
  let after = false;
  for (let sibling = next(node); sibling !== 0 && !after && before === 0; sibling = next(sibling)) {
    after = type(sibling) === ELEMENT && name(sibling) === own;
  }
  return before > 0 || after ? `${own}[${before + 1}]` : own;
}

/**
 * A readable path of an element or attribute, prefixes left out and positions counted from 1
 * among same-named siblings: `/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/IntrBkSttlmAmt`.
 */
export function elementPath(node: NodePtr): string {
  const steps: string[] = [];
  let current = node;
  if (type(current) === ATTRIBUTE) {
    steps.push(`@${name(current)}`);
    current = parent(current);
  }
  for (; current !== 0 && type(current) === ELEMENT; current = parent(current)) {
    steps.push(step(current));
  }
  return `/${steps.reverse().join('/')}`;
}
