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
import type { XmlDocument } from 'libxml2-wasm';
import {
  XmlNodeStruct,
  XmlNsStruct,
  xmlDocGetRootElement,
  xmlNodeGetContent,
} from 'libxml2-wasm/lib/libxml2.mjs';

/** A node pointer into the document's tree; valid until the document is disposed. */
export type NodePtr = number;

const ELEMENT = 1;
const { type, name_: name, children, next, namespace, properties } = XmlNodeStruct;

/** The pointer of a document libxml2-wasm parsed (its `_ptr`, not part of its typed API). */
function documentPointer(document: XmlDocument): number {
  const ptr = (document as unknown as { _ptr?: unknown })._ptr;
  if (typeof ptr !== 'number' || ptr === 0) throw new Error('document already disposed');
  return ptr;
}

/** The root element. */
export function rootElement(document: XmlDocument): NodePtr {
  return xmlDocGetRootElement(documentPointer(document));
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
