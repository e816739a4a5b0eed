/**
 * Validating an ISO 20022 message: refusals before parsing (size, encoding, any DTD), parsing
 * with libxml2 (compiled to WebAssembly: no native build, no network), the root namespace naming
 * the message and its version, and the message's XSD. Each XSD is compiled once, on first use,
 * and the validator kept for the life of the process.
 */
import { readFileSync } from 'node:fs';
import {
  ParseOption,
  XmlDocument,
  XmlParseError,
  XsdValidator,
  type ErrorDetail,
} from 'libxml2-wasm';
import {
  firstElement,
  localName,
  namespaceUri,
  nextElement,
  rootElement,
  textOf,
  type NodePtr,
} from './tree.js';
import { schemaErrors, type SchemaErrors } from './validator.js';
import {
  INBOUND_KINDS,
  ISO_MESSAGE_MAX_BYTES,
  ISO_NAMESPACE_PREFIX,
  IsoFormatError,
  MESSAGE_KINDS,
  type MessageKind,
  type OriginalHeader,
} from './xml.js';

/** At most this many schema errors are reported (the first ones, in document order). */
export const MAX_SCHEMA_ERRORS = 20;

/**
 * Never load anything from outside the message: no network, no external entity or DTD. No
 * XML_PARSE_HUGE either, so libxml2's own limits hold (256 levels of nesting, 10 MB per text
 * node). DOCTYPE is refused before parsing anyway.
 */
export const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

const validators = new Map<MessageKind, XsdValidator>();

/** The compiled schema of `kind`, compiled on first use. */
function validatorFor(kind: MessageKind): XsdValidator {
  let validator = validators.get(kind);
  if (validator === undefined) {
    const schema = XmlDocument.fromBuffer(
      readFileSync(new URL(`../../src/iso20022/xsd/${kind}.xsd`, import.meta.url)),
      { option: PARSE_OPTIONS },
    );
    try {
      validator = XsdValidator.fromDoc(schema);
    } finally {
      schema.dispose();
    }
    validators.set(kind, validator);
  }
  return validator;
}

export interface ValidateOptions<K extends MessageKind> {
  /** The kinds the caller takes (default: all five); others are refused as unsupported. */
  readonly accept?: readonly K[];
}

/**
 * Parses and validates a message. Throws `IsoFormatError` for anything that is not a valid
 * message of an accepted kind. The caller owns the returned document and must dispose it.
 */
export function validateMessage<K extends MessageKind = MessageKind>(
  xml: string | Uint8Array,
  options: ValidateOptions<K> = {},
): { kind: K; document: XmlDocument } {
  const bytes = toBytes(xml);
  refuseBeforeParsing(bytes);
  let document: XmlDocument;
  try {
    document = XmlDocument.fromBuffer(bytes, { option: PARSE_OPTIONS });
  } catch (error) {
    throw error instanceof XmlParseError ? notWellFormed(error.details) : error;
  }
  try {
    // Without `accept`, K is MessageKind itself: every kind is accepted.
    const kind = kindOf(document, options.accept ?? (MESSAGE_KINDS as readonly K[]));
    const invalid = schemaErrors(validatorFor(kind), document, MAX_SCHEMA_ERRORS);
    if (invalid !== undefined) throw schemaError(kind, document, invalid);
    return { kind, document };
  } catch (error) {
    document.dispose();
    throw error;
  }
}

/** Throws `IsoFormatError` when `xml` is not a valid `kind` message (outgoing messages). */
export function validateOutgoing(kind: MessageKind, xml: string): void {
  validateMessage(xml, { accept: [kind] }).document.dispose();
}

// --- Before parsing -----------------------------------------------------------------------------

function toBytes(xml: string | Uint8Array): Uint8Array {
  if (typeof xml !== 'string') {
    if (xml.byteLength > ISO_MESSAGE_MAX_BYTES) throw tooLarge(xml.byteLength);
    return xml;
  }
  // A UTF-16 unit is at least one UTF-8 byte: no need to encode a string that is too long.
  if (xml.length > ISO_MESSAGE_MAX_BYTES) throw tooLarge(xml.length, true);
  if (!(xml as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new IsoFormatError(
      'not_xml',
      'the message is not Unicode text: it contains a lone UTF-16 surrogate',
    );
  }
  // Buffer's encoder is native; libxml2-wasm's own string path encodes in JavaScript, slower.
  const bytes = Buffer.from(xml, 'utf8');
  if (bytes.byteLength > ISO_MESSAGE_MAX_BYTES) throw tooLarge(bytes.byteLength);
  return bytes;
}

function tooLarge(size: number, atLeast = false): IsoFormatError {
  return new IsoFormatError(
    'too_large',
    `the message is ${atLeast ? 'at least ' : ''}${size} bytes; at most ${ISO_MESSAGE_MAX_BYTES} bytes (8 MiB) are accepted`,
  );
}

const UTF16_OR_32 = [
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'UTF-32 (byte order mark 00 00 FE FF)' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'UTF-32 (byte order mark FF FE 00 00)' },
  { bytes: [0xfe, 0xff], name: 'UTF-16 (byte order mark FE FF)' },
  { bytes: [0xff, 0xfe], name: 'UTF-16 (byte order mark FF FE)' },
  { bytes: [0x00, 0x3c], name: 'UTF-16 big-endian (no byte order mark)' },
  { bytes: [0x3c, 0x00], name: 'UTF-16 little-endian (no byte order mark)' },
];

const ENCODING_DECLARATION = /^(?:\xEF\xBB\xBF)?<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/;

/** Encoding (UTF-8 only, as ISO 20022 requires) and DTDs, refused before libxml2 sees them. */
function refuseBeforeParsing(bytes: Uint8Array): void {
  for (const { bytes: mark, name } of UTF16_OR_32) {
    if (mark.every((byte, index) => bytes[index] === byte)) {
      throw new IsoFormatError(
        'not_xml',
        `the message is encoded in ${name}; ISO 20022 messages are UTF-8`,
      );
    }
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declaration = ENCODING_DECLARATION.exec(buffer.toString('latin1', 0, 256));
  if (declaration !== null && !/^utf-?8$/i.test(declaration[1] ?? '')) {
    throw new IsoFormatError(
      'not_xml',
      `the XML declaration names encoding "${declaration[1] ?? ''}"; ISO 20022 messages are UTF-8`,
    );
  }
  for (let at = buffer.indexOf('<!'); at !== -1; at = buffer.indexOf('<!', at + 2)) {
    const word = buffer.toString('latin1', at + 2, at + 9).toUpperCase();
    const declaration = word === 'DOCTYPE' ? word : word.startsWith('ENTITY') ? 'ENTITY' : '';
    if (declaration !== '') {
      const line = countLines(buffer, at);
      throw new IsoFormatError(
        'doctype',
        `the message contains a <!${declaration} declaration (line ${line}); ISO 20022 messages ` +
          'have no DTD, and DTDs and entities are refused (external entities, entity expansion)',
        [{ path: `line ${line}`, message: `<!${declaration} is refused` }],
      );
    }
  }
}

function countLines(buffer: Buffer, end: number): number {
  let line = 1;
  for (let at = buffer.indexOf(10); at !== -1 && at < end; at = buffer.indexOf(10, at + 1)) {
    line += 1;
  }
  return line;
}

// --- Parsing and the message kind ---------------------------------------------------------------

function clean(message: string): string {
  return message
    .replaceAll(/\{urn:iso:std:iso:20022:tech:xsd:[a-z]{4}\.\d{3}\.\d{3}\.\d{2}\}/g, '')
    .trim();
}

function notWellFormed(details: readonly ErrorDetail[]): IsoFormatError {
  const errors = details
    .filter((detail) => detail.level >= 2)
    .slice(0, MAX_SCHEMA_ERRORS)
    .map((detail) => ({
      path: `line ${detail.line}, column ${detail.col}`,
      message: clean(detail.message),
    }));
  const first = errors[0];
  return new IsoFormatError(
    'not_xml',
    first === undefined
      ? 'the message is not well-formed XML'
      : `the message is not well-formed XML: ${first.message} (${first.path})`,
    errors,
  );
}

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.(\d{3}\.\d{2})$/;

function family(kind: string): string {
  return kind.slice(0, 8);
}

function kindList(kinds: readonly MessageKind[]): string {
  return kinds.length === 1
    ? (kinds[0] ?? '')
    : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1) ?? ''}`;
}

/** The kind the root element names, or the refusal: another message, version or root. */
function kindOf<K extends MessageKind>(document: XmlDocument, accept: readonly K[]): K {
  const root = rootElement(document);
  const uri = namespaceUri(root);
  const name = localName(root);
  const acceptable = `vostro accepts ${kindList(accept)} here`;
  if (name !== 'Document' || !uri.startsWith(ISO_NAMESPACE_PREFIX)) {
    throw new IsoFormatError(
      'unsupported_message',
      `the root element is ${name}${uri === '' ? ' in no namespace' : ` in namespace ${uri}`}, not an ISO 20022 Document; ${acceptable}`,
      [{ path: `/${name}`, message: `namespace "${uri}"` }],
    );
  }
  const match = NAMESPACE.exec(uri);
  const found = match === null ? uri.slice(ISO_NAMESPACE_PREFIX.length) : `${match[1]}.${match[2]}`;
  const kind = accept.find((candidate) => candidate === found);
  if (kind !== undefined) return kind;
  const sameFamily = accept.find((candidate) => family(candidate) === family(found));
  if (match !== null && sameFamily !== undefined) {
    throw new IsoFormatError(
      'unsupported_version',
      `unsupported message version ${found} (namespace ${uri}): vostro supports ${sameFamily} only`,
      [{ path: '/Document', message: `namespace "${uri}"` }],
    );
  }
  const known = MESSAGE_KINDS.find((candidate) => family(candidate) === family(found));
  const role =
    known !== undefined && !accept.some((candidate) => candidate === known)
      ? INBOUND_KINDS.some((inbound) => inbound === known)
        ? ' is a message vostro receives, not one it sends'
        : ' is a message vostro sends, not one it accepts'
      : ' is not a message vostro accepts';
  throw new IsoFormatError(
    'unsupported_message',
    `${found} (namespace ${uri})${role}; ${acceptable}`,
    [{ path: '/Document', message: `namespace "${uri}"` }],
  );
}

// --- Schema errors ------------------------------------------------------------------------------

function schemaError(
  kind: MessageKind,
  document: XmlDocument,
  invalid: SchemaErrors,
): IsoFormatError {
  const errors = invalid.errors.map(({ path, message }) => ({ path, message: clean(message) }));
  const first = errors[0];
  const more = invalid.count > 1 ? ` (and ${invalid.count - 1} more)` : '';
  return new IsoFormatError(
    'schema',
    first === undefined
      ? `the message does not match the ${kind} schema`
      : `the message does not match the ${kind} schema: ${first.path}: ${first.message}${more}`,
    errors,
    originalHeader(kind, document),
  );
}

/** MsgId, CreDtTm, NbOfTxs and InstgAgt of the group header, as written (best effort). */
function originalHeader(kind: MessageKind, document: XmlDocument): OriginalHeader {
  const header = child(firstElement(rootElement(document)), 'GrpHdr');
  const text = (name: string): string | undefined => {
    const element = child(header, name);
    return element === 0 ? undefined : textOf(element);
  };
  const agent = child(child(child(header, 'InstgAgt'), 'FinInstnId'), 'BICFI');
  return {
    kind,
    msgId: text('MsgId'),
    createdAt: text('CreDtTm'),
    numberOfTransactions: text('NbOfTxs'),
    instructingAgentBic: agent === 0 ? undefined : textOf(agent),
  };
}

function child(parent: NodePtr, name: string): NodePtr {
  if (parent === 0) return 0;
  for (let element = firstElement(parent); element !== 0; element = nextElement(element)) {
    if (localName(element) === name) return element;
  }
  return 0;
}
