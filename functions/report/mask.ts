/**
 * How a pii value (a column whose contract role is `pii`) looks in a report or an email:
 * enough to recognise a row you already know, not enough to learn who it is. Pure, no
 * imports, so every rendering and the email use the same rules.
 */

const DOT = '•';
const HIDDEN = DOT.repeat(3);

export type PiiShape = 'email' | 'phone' | 'name' | 'other';

const EMAIL = /^([^\s@]+)@([^\s@]+\.[^\s@]+)$/u;
const PHONE = /^\+?[\d\s().\-/]+$/u;
/** One to five words of letters (O'Brien, Anne-Marie, J.), as person names are written. */
const NAME = /^\p{L}[\p{L}\p{M}'’.-]*(?:\s+\p{L}[\p{L}\p{M}'’.-]*){0,4}$/u;
/** Fewer digits than this is not a phone number (a house number, a code). */
const PHONE_MIN_DIGITS = 7;

/** What a value looks like, judged from its shape alone. */
export function piiShape(value: string): PiiShape {
  const v = value.trim();
  if (EMAIL.test(v)) return 'email';
  if (PHONE.test(v) && digits(v) >= PHONE_MIN_DIGITS) return 'phone';
  if (NAME.test(v)) return 'name';
  return 'other';
}

/**
 * `john.smith@example.com` -> `j•••@e•••.com`; `+1 (555) 123-4567` -> `+• (•••) •••-••67`;
 * `John Smith` -> `J. S.`; anything else -> `••• (9–32 chars)`.
 */
export function maskPii(value: string): string {
  const v = value.trim();
  if (v === '') return '';
  switch (piiShape(v)) {
    case 'email':
      return maskEmail(v);
    case 'phone':
      return maskPhone(v);
    case 'name':
      return v
        .split(/\s+/u)
        .map((word) => `${first(word).toLocaleUpperCase()}.`)
        .join(' ');
    default:
      return `${HIDDEN} (${lengthClass([...v].length)})`;
  }
}

/** The first letter of the local part and of the domain, and the top-level domain. */
function maskEmail(email: string): string {
  const [, local = '', domain = ''] = EMAIL.exec(email) ?? [];
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return `${first(local)}${HIDDEN}@${first(domain)}${HIDDEN}.${tld}`;
}

/** Every digit but the last two becomes a dot; the punctuation stays, so the shape reads. */
function maskPhone(phone: string): string {
  let keep = 2;
  return [...phone]
    .reverse()
    .map((c) => (/\d/u.test(c) ? (keep-- > 0 ? c : DOT) : c))
    .reverse()
    .join('');
}

function lengthClass(chars: number): string {
  if (chars <= 8) return '1–8 chars';
  if (chars <= 32) return '9–32 chars';
  return 'over 32 chars';
}

/**
 * A validation reason that quotes the rejected value (`not a number: "x"`, see
 * ingest/write-quarantine.ts) with the value masked; a reason that quotes nothing is
 * returned as it is. Inside a JSON string every quote is escaped, so the last `: "` whose
 * rest is a whole JSON string opens the value.
 */
export function maskQuotedValue(reason: string): string {
  const match = /^([\s\S]*): ("(?:[^"\\]|\\.)*")$/u.exec(reason);
  if (!match) return reason;
  const value = JSON.parse(match[2]!) as string;
  return `${match[1]}: ${JSON.stringify(maskPii(value))}`;
}

/** Emails anywhere in a text, and phone numbers written with a leading `+`. */
const EMAIL_IN_TEXT = /[^\s@"'`<>()[\]{},;:|]+@[^\s@"'`<>()[\]{},;:|]+\.\p{L}{2,}/gu;
const PHONE_IN_TEXT = /\+\d[\d\s().-]{5,}\d/gu;

/**
 * The safety net for free text no column owns (file errors, warnings, engine messages, a
 * value quoted where a non-pii column was expected): emails and `+` phone numbers are
 * masked wherever they appear. Other pii (names, local phone numbers) cannot be told from
 * ordinary text and numbers by their shape: those are masked by their column's role.
 */
export function scrubText(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (email) => maskPii(email))
    .replace(PHONE_IN_TEXT, (phone) =>
      digits(phone) >= PHONE_MIN_DIGITS ? maskPhone(phone) : phone,
    );
}

const first = (s: string) => [...s][0] ?? '';
const digits = (s: string) => s.replace(/\D/gu, '').length;
