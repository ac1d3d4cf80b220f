/*
 * Base64 (RFC 4648, with padding) written out, because the workflow sandbox has neither Buffer
 * nor a guaranteed btoa/atob, and the carried run is encoded inside it.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Map([...ALPHABET].map((char, index) => [char.charCodeAt(0), index]));

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const triple = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    line += ALPHABET[(triple >> 18) & 63] as string;
    line += ALPHABET[(triple >> 12) & 63] as string;
    line += b === undefined ? '=' : (ALPHABET[(triple >> 6) & 63] as string);
    line += c === undefined ? '=' : (ALPHABET[triple & 63] as string);
    // Joining chunks keeps string building linear on engines that flatten ropes late.
    if (line.length >= 8192) {
      parts.push(line);
      line = '';
    }
  }
  parts.push(line);
  return parts.join('');
}

export class InvalidBase64Error extends Error {
  constructor(readonly position: number) {
    super(`invalid base64 at character ${position}`);
    this.name = 'InvalidBase64Error';
  }
}

export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new InvalidBase64Error(text.length);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let triple = 0;
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k);
      const value = code === 61 && i + k >= text.length - padding ? 0 : VALUES.get(code);
      if (value === undefined) throw new InvalidBase64Error(i + k);
      triple = (triple << 6) | value;
    }
    if (o < out.length) out[o++] = (triple >> 16) & 255;
    if (o < out.length) out[o++] = (triple >> 8) & 255;
    if (o < out.length) out[o++] = triple & 255;
  }
  return out;
}
