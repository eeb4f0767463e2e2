import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

/**
 * The text encodings ingest reads. DuckDB reads only UTF-8, so any other is transcoded to
 * UTF-8 first (streamed: files may be larger than memory), keeping every line break where
 * it was, so line numbers in the copy are the original's.
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Streamed in chunks this big: large enough that the per-chunk overhead vanishes. */
const CHUNK_BYTES = 1 << 20;
/** Enough of the start to tell UTF-16 without a byte-order mark from other text. */
const SAMPLE_BYTES = 1 << 16;

/** What the manifest says about a file that was not read as plain UTF-8. */
export function encodingWarning(encoding: TextEncoding, bom: boolean): string | undefined {
  switch (encoding) {
    case 'windows-1252':
      return 'read as Windows-1252 (Latin-1): the file is not UTF-8; save it as UTF-8 to be sure of accented letters';
    case 'utf-16le':
    case 'utf-16be':
      return `read as UTF-16 ${encoding.endsWith('le') ? 'LE' : 'BE'}${bom ? '' : ' (no byte-order mark: guessed from its zero bytes)'}, converted to UTF-8`;
    default:
      return undefined;
  }
}

/**
 * Decides a text file's encoding:
 * - a byte-order mark says it (UTF-8, UTF-16 LE or BE); UTF-16 without one is recognised by
 *   its zero bytes (ASCII letters are `x 00` or `00 x`);
 * - a start full of control bytes is not text at all (`binary`);
 * - otherwise every byte is checked (streamed, native): valid UTF-8 throughout is UTF-8;
 *   invalid bytes and no valid multi-byte character anywhere is Windows-1252 (a superset of
 *   Latin-1, which is what such files are in practice); invalid bytes beside valid
 *   multi-byte characters is UTF-8 with damaged rows, left for the reader to reject.
 * The whole file is checked, not a sample: one Latin-1 byte at the end must still count.
 */
export async function detectEncoding(
  path: string,
): Promise<{ encoding: TextEncoding; bom: boolean } | { binary: true }> {
  const sample = await readStart(path, SAMPLE_BYTES);
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', bom: true };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  const utf16 = utf16ByZeros(sample);
  if (utf16) return { encoding: utf16, bom: false };
  // Checked before the bytes: any bytes at all decode as Windows-1252.
  if (looksBinary(sample)) return { binary: true };
  const check = new Utf8Check();
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    check.push(chunk as Buffer);
    if (check.invalid && check.multibyte) break; // damaged UTF-8: nothing left to learn
  }
  check.end();
  return { encoding: check.invalid && !check.multibyte ? 'windows-1252' : 'utf-8', bom: false };
}

async function readStart(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * UTF-16 without a byte-order mark: in text that is mostly ASCII, one byte of most pairs is
 * zero, always the same one. Other text (and binary noise) has few zero bytes.
 */
function utf16ByZeros(sample: Buffer): TextEncoding | undefined {
  const pairs = sample.length >> 1;
  if (pairs < 2) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) even += 1;
    if (sample[i + 1] === 0) odd += 1;
  }
  if (odd >= pairs * 0.6 && even <= pairs * 0.05) return 'utf-16le';
  if (even >= pairs * 0.6 && odd <= pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * Text has next to no control bytes besides tab and line ends (form feed and the DOS end
 * mark 0x1A are let through); binary data has about one in nine. A few in a hundred is binary.
 */
export function looksBinary(sample: Uint8Array): boolean {
  let control = 0;
  for (const b of sample) {
    if (
      (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) ||
      b === 0x7f
    )
      control += 1;
  }
  return control > 0 && control >= sample.length * 0.02;
}

/**
 * Checks a byte stream chunk by chunk: `invalid` once a byte sequence is not UTF-8,
 * `multibyte` once a valid multi-byte character is seen. Chunks are checked natively
 * (`isAscii`, `isUtf8`); only a chunk that fails is walked in JavaScript, to learn whether it
 * also holds valid multi-byte characters. A character cut by a chunk boundary is carried
 * into the next chunk; one cut by the end of the stream is invalid.
 */
export class Utf8Check {
  invalid = false;
  multibyte = false;
  private carry: Buffer | undefined;

  push(chunk: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTail(data);
    this.carry = cut < data.length ? Buffer.from(data.subarray(cut)) : undefined;
    const body = data.subarray(0, cut);
    if (isAscii(body)) return;
    if (isUtf8(body)) {
      this.multibyte = true;
      return;
    }
    this.invalid = true;
    if (!this.multibyte) this.multibyte = hasMultibyte(body);
  }

  end(): void {
    if (this.carry) this.invalid = true;
    this.carry = undefined;
  }
}

/** Where a multi-byte character that the data's last bytes begin, but do not finish, starts. */
function incompleteTail(data: Buffer): number {
  const n = data.length;
  let i = n - 1;
  while (i >= 0 && i >= n - 3 && (data[i]! & 0xc0) === 0x80) i -= 1;
  if (i < 0) return n;
  const lead = data[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return n - i < need ? i : n;
}

/** Whether `bytes` hold at least one well-formed UTF-8 character of two to four bytes. */
export function hasMultibyte(bytes: Uint8Array): boolean {
  const n = bytes.length;
  for (let i = 0; i < n; i += 1) {
    const b = bytes[i]!;
    if (b < 0xc2 || b > 0xf4) continue;
    const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    if (i + need >= n) continue;
    // The second byte's range is narrower after E0 (overlong), ED (surrogates), F0, F4.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) continue;
    let ok = true;
    for (let k = 2; k <= need; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) return true;
  }
  return false;
}

/** Writes `from` (in `encoding`) to `to` as UTF-8 without a byte-order mark, streamed. */
export async function transcodeToUtf8(
  from: string,
  to: string,
  encoding: Exclude<TextEncoding, 'utf-8'>,
): Promise<void> {
  await pipeline(
    createReadStream(from, { highWaterMark: CHUNK_BYTES }),
    toUtf8(encoding),
    createWriteStream(to),
  );
}

/** The streaming converter itself: chunks in `encoding` in, UTF-8 out. */
export function toUtf8(encoding: Exclude<TextEncoding, 'utf-8'>): Transform {
  if (encoding === 'windows-1252') {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => done(null, windows1252ToUtf8(chunk)),
    });
  }
  const decode = utf16Decoder(encoding);
  let first = true;
  // StringDecoder may hand out a surrogate pair's first half alone, when a chunk ends in
  // the middle of the second: held back, it is encoded with its other half.
  let high = '';
  const emit = (decoded: string, push: (b: Buffer) => void, last = false) => {
    let text = high + decoded;
    high = '';
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const end = text.charCodeAt(text.length - 1);
    if (!last && end >= 0xd800 && end <= 0xdbff) {
      high = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text.length > 0) push(Buffer.from(text, 'utf8'));
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      emit(decode.write(chunk), (b) => this.push(b));
      done();
    },
    flush(done) {
      emit(decode.end(), (b) => this.push(b), true);
      done();
    },
  });
}

interface Decoder {
  write(chunk: Buffer): string;
  end(): string;
}

function utf16Decoder(encoding: 'utf-16le' | 'utf-16be'): Decoder {
  // StringDecoder keeps a pair of bytes cut by a chunk boundary.
  const le = new StringDecoder('utf16le');
  if (encoding === 'utf-16le') return le;
  let odd: Buffer | undefined;
  return {
    write(chunk) {
      const data = odd ? Buffer.concat([odd, chunk]) : chunk;
      const even = data.length & ~1;
      odd = even < data.length ? Buffer.from(data.subarray(even)) : undefined;
      return le.write(Buffer.from(data.subarray(0, even)).swap16());
    },
    end: () => le.end() + (odd ? '\uFFFD' : ''),
  };
}

/**
 * Windows-1252 is Latin-1 but for 0x80-0x9F, where it has € ‘ ’ “ ” – — and others
 * (WHATWG's table; its five unassigned bytes stay C1 controls). Written out because Node's
 * TextDecoder('windows-1252') decodes these bytes as Latin-1.
 */
const CP1252_80_9F =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';
/** The UTF-8 bytes of each byte 0x80-0x9F. */
const CP1252_UTF8 = Array.from(CP1252_80_9F, (ch) => Buffer.from(ch, 'utf8'));

/**
 * One byte loop straight to UTF-8 bytes: 3x faster than decoding to a string and mapping
 * 0x80-0x9F there, on text full of curly quotes. A single-byte encoding: no state.
 */
function windows1252ToUtf8(chunk: Buffer): Buffer {
  const out = Buffer.allocUnsafe(chunk.length * 3);
  let o = 0;
  for (let i = 0; i < chunk.length; i += 1) {
    const b = chunk[i]!;
    if (b < 0x80) out[o++] = b;
    else if (b >= 0xa0) {
      out[o++] = 0xc0 | (b >> 6);
      out[o++] = 0x80 | (b & 0x3f);
    } else {
      const bytes = CP1252_UTF8[b - 0x80]!;
      for (let k = 0; k < bytes.length; k += 1) out[o++] = bytes[k]!;
    }
  }
  return out.subarray(0, o);
}
