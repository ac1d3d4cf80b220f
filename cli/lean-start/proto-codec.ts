import type { SchemaJson } from './start-schema-extract.ts';

/**
 * Protocol Buffers wire encoding for the few messages of the lean start path, driven by the
 * schema the build cut from @temporalio/proto (start-schema-extract.ts). It covers what those
 * messages use: strings, bytes, bools, varint integers and enums, nested and repeated messages,
 * and maps with string keys. protobufjs would bring some forty modules to the CLI's start-up;
 * these messages need only this. Fields are written in schema order and only when set, as
 * protobufjs writes them, so the bytes are those @temporalio/client sends (see the unit test).
 */

interface FieldJson {
  type: string;
  id: number;
  rule?: 'repeated';
  keyType?: string;
}
interface TypeJson {
  fields?: Record<string, FieldJson>;
  values?: Record<string, number>;
  nested?: Record<string, TypeJson>;
}

/** One message or enum of the schema, with the full name its relative type names resolve from. */
interface Resolved {
  fullName: string;
  json: TypeJson;
}

export class ProtoSchemaError extends Error {
  constructor(
    readonly typeName: string,
    message: string,
  ) {
    super(`${typeName}: ${message}`);
    this.name = 'ProtoSchemaError';
  }
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'bool']);
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class ProtoCodec {
  private readonly types = new Map<string, TypeJson>();

  constructor(schema: SchemaJson) {
    const collect = (prefix: string, nested: Record<string, TypeJson> | undefined) => {
      for (const [name, json] of Object.entries(nested ?? {})) {
        const fullName = prefix ? `${prefix}.${name}` : name;
        if (json.fields || json.values) this.types.set(fullName, json);
        collect(fullName, json.nested);
      }
    };
    collect('', schema.nested as Record<string, TypeJson>);
  }

  /** A message's bytes; `value` holds field values by their JSON (camelCase) names, enums by name or number. */
  encode(typeName: string, value: Record<string, unknown>): Uint8Array {
    const writer = new ByteWriter();
    this.writeMessage(writer, this.resolve(typeName, ''), value);
    return writer.finish();
  }

  /** A message read back: known fields by name (unset scalars absent), unknown fields skipped. */
  decode(typeName: string, bytes: Uint8Array): Record<string, unknown> {
    return this.readMessage(this.resolve(typeName, ''), bytes);
  }

  /** The number of an enum's value, by its name. */
  enumNumber(enumName: string, valueName: string): number {
    const number = this.resolve(enumName, '').json.values?.[valueName];
    if (number === undefined) throw new ProtoSchemaError(enumName, `has no value "${valueName}"`);
    return number;
  }

  private resolve(typeName: string, scope: string): Resolved {
    // Protobuf name resolution: innermost scope first, then outwards, then the name as written.
    const parts = scope ? scope.split('.') : [];
    for (let depth = parts.length; depth >= 0; depth--) {
      const fullName = [...parts.slice(0, depth), typeName].join('.');
      const json = this.types.get(fullName);
      if (json) return { fullName, json };
    }
    throw new ProtoSchemaError(typeName, `not in the lean start schema (seen from ${scope || 'the root'})`);
  }

  private writeMessage(writer: ByteWriter, type: Resolved, value: Record<string, unknown>): void {
    const fields = type.json.fields;
    if (!fields) throw new ProtoSchemaError(type.fullName, 'is an enum, not a message');
    for (const name of Object.keys(value)) if (!(name in fields)) throw new ProtoSchemaError(type.fullName, `has no field "${name}"`);
    for (const [name, field] of Object.entries(fields)) {
      const fieldValue = value[name];
      if (fieldValue === undefined || fieldValue === null) continue;
      if (field.keyType !== undefined) {
        if (field.keyType !== 'string') throw new ProtoSchemaError(type.fullName, `map field "${name}" has ${field.keyType} keys; only string keys are supported`);
        for (const [key, entry] of Object.entries(fieldValue as Record<string, unknown>)) {
          writer.tag(field.id, LENGTH_DELIMITED);
          writer.nested((inner) => {
            inner.tag(1, LENGTH_DELIMITED);
            inner.bytes(utf8Encoder.encode(key));
            this.writeValue(inner, 2, field.type, type.fullName, entry);
          });
        }
      } else if (field.rule === 'repeated') {
        if (VARINT_TYPES.has(field.type)) throw new ProtoSchemaError(type.fullName, `repeated ${field.type} field "${name}" would be packed; not supported`);
        for (const element of fieldValue as unknown[]) this.writeValue(writer, field.id, field.type, type.fullName, element);
      } else {
        this.writeValue(writer, field.id, field.type, type.fullName, fieldValue);
      }
    }
  }

  private writeValue(writer: ByteWriter, id: number, typeName: string, scope: string, value: unknown): void {
    switch (typeName) {
      case 'string':
        writer.tag(id, LENGTH_DELIMITED);
        writer.bytes(utf8Encoder.encode(value as string));
        return;
      case 'bytes':
        writer.tag(id, LENGTH_DELIMITED);
        writer.bytes(value as Uint8Array);
        return;
      case 'bool':
        writer.tag(id, VARINT);
        writer.varint(value ? 1 : 0);
        return;
      case 'int32':
      case 'int64':
      case 'uint32':
      case 'uint64':
        writer.tag(id, VARINT);
        writer.varint(value as number);
        return;
    }
    const type = this.resolve(typeName, scope);
    if (type.json.values) {
      const number = typeof value === 'number' ? value : type.json.values[value as string];
      if (number === undefined) throw new ProtoSchemaError(type.fullName, `has no value "${String(value)}"`);
      writer.tag(id, VARINT);
      writer.varint(number);
      return;
    }
    writer.tag(id, LENGTH_DELIMITED);
    writer.nested((inner) => this.writeMessage(inner, type, value as Record<string, unknown>));
  }

  private readMessage(type: Resolved, bytes: Uint8Array): Record<string, unknown> {
    const byId = new Map(Object.entries(type.json.fields ?? {}).map(([name, field]) => [field.id, { name, field }]));
    const message: Record<string, unknown> = {};
    const reader = new ByteReader(bytes);
    while (!reader.done()) {
      const key = reader.varint();
      const id = Math.floor(key / 8);
      const wireType = key % 8;
      const known = byId.get(id);
      if (!known || (known.field.keyType !== undefined && known.field.keyType !== 'string')) {
        reader.skip(wireType);
        continue;
      }
      if (known.field.keyType !== undefined) {
        const [key, value] = this.readMapEntry(reader.lengthDelimited(), known.field.type, type.fullName);
        ((message[known.name] ??= {}) as Record<string, unknown>)[key] = value;
        continue;
      }
      const value = this.readValue(reader, wireType, known.field.type, type.fullName);
      if (known.field.rule === 'repeated') ((message[known.name] ??= []) as unknown[]).push(value);
      else message[known.name] = value;
    }
    return message;
  }

  /** One entry of a map with string keys: a message of key (field 1) and value (field 2). */
  private readMapEntry(bytes: Uint8Array, valueType: string, scope: string): [string, unknown] {
    const reader = new ByteReader(bytes);
    let key = '';
    let value: unknown;
    while (!reader.done()) {
      const tag = reader.varint();
      if (tag === (1 << 3) + LENGTH_DELIMITED) key = utf8Decoder.decode(reader.lengthDelimited());
      else if (tag >> 3 === 2) value = this.readValue(reader, tag % 8, valueType, scope);
      else reader.skip(tag % 8);
    }
    return [key, value];
  }

  private readValue(reader: ByteReader, wireType: number, typeName: string, scope: string): unknown {
    switch (typeName) {
      case 'string':
        return utf8Decoder.decode(reader.lengthDelimited());
      case 'bytes':
        return reader.lengthDelimited();
      case 'bool':
        return reader.varint() !== 0;
      case 'int32':
      case 'int64':
      case 'uint32':
      case 'uint64':
        return reader.varint();
    }
    const type = this.resolve(typeName, scope);
    if (type.json.values) return reader.varint();
    if (wireType !== LENGTH_DELIMITED) throw new ProtoSchemaError(type.fullName, `arrived with wire type ${wireType}, not as a message`);
    return this.readMessage(type, reader.lengthDelimited());
  }
}

class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  tag(id: number, wireType: number): void {
    this.varint(id * 8 + wireType);
  }

  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot write ${value} as a varint (non-negative safe integers only)`);
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.push(Uint8Array.from(bytes));
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.push(value);
  }

  nested(write: (inner: ByteWriter) => void): void {
    const inner = new ByteWriter();
    write(inner);
    this.bytes(inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
}

class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.bytes.length) throw new RangeError('truncated varint');
      const byte = this.bytes[this.offset++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  lengthDelimited(): Uint8Array {
    const length = this.varint();
    if (this.offset + length > this.bytes.length) throw new RangeError(`truncated field: ${length} byte(s) announced, ${this.bytes.length - this.offset} left`);
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.offset += 8;
    else if (wireType === LENGTH_DELIMITED) this.lengthDelimited();
    else if (wireType === FIXED32) this.offset += 4;
    else throw new RangeError(`unsupported wire type ${wireType}`);
  }
}
