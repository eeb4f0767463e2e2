import { describe, expect, it } from 'vitest';
import { maskPii, maskQuotedValue, piiShape, scrubText } from '#report/mask.ts';

describe('masking pii values', () => {
  it('tells emails, phone numbers and names apart by their shape', () => {
    expect(piiShape('john.smith@example.com')).toBe('email');
    expect(piiShape('+44 20 7946 0958')).toBe('phone');
    expect(piiShape('(555) 010-4477')).toBe('phone');
    expect(piiShape('Ann-Marie O’Brien')).toBe('name');
    expect(piiShape('12 Main St, Springfield')).toBe('other');
    expect(piiShape('4477')).toBe('other');
  });

  it('keeps the first letters and the top-level domain of an email', () => {
    expect(maskPii('john.smith@example.com')).toBe('j•••@e•••.com');
    expect(maskPii(' Zoe@mail.example.co.uk ')).toBe('Z•••@m•••.uk');
    expect(maskPii('élise@bücher.de')).toBe('é•••@b•••.de');
  });

  it('keeps only the last two digits of a phone number, and its punctuation', () => {
    expect(maskPii('+1 (555) 123-4567')).toBe('+• (•••) •••-••67');
    expect(maskPii('0612345678')).toBe('••••••••78');
  });

  it('shows a person name as initials', () => {
    expect(maskPii('John Smith')).toBe('J. S.');
    expect(maskPii('maría  josé de la cruz')).toBe('M. J. D. L. C.');
    expect(maskPii('Madonna')).toBe('M.');
  });

  it('shows anything else as dots and a length class', () => {
    expect(maskPii('n/a')).toBe('••• (1–8 chars)');
    expect(maskPii('12 Main St, Springfield')).toBe('••• (9–32 chars)');
    expect(maskPii('x'.repeat(40) + ' #')).toBe('••• (over 32 chars)');
    expect(maskPii('')).toBe('');
  });

  it('leaves masked values alone when free text is scrubbed after them', () => {
    for (const v of ['john@example.com', '+1 555 123 4567', 'John Smith', 'n/a']) {
      expect(scrubText(`row ${maskPii(v)}.`), v).toBe(`row ${maskPii(v)}.`);
    }
  });
});

describe('masking the value a validation reason quotes', () => {
  it('masks the quoted value and keeps the reason', () => {
    expect(maskQuotedValue('duplicate value (an earlier row has it): "ann@example.com"')).toBe(
      'duplicate value (an earlier row has it): "a•••@e•••.com"',
    );
    expect(maskQuotedValue('not a number: "John Smith"')).toBe('not a number: "J. S."');
  });

  it('finds the value after a reason that itself contains `: "`', () => {
    expect(maskQuotedValue('does not match the pattern ^a: "b"$: "say \\": \\"hi"')).toBe(
      'does not match the pattern ^a: "b"$: "••• (9–32 chars)"',
    );
  });

  it('leaves a reason that quotes nothing as it is', () => {
    expect(maskQuotedValue('required value is empty')).toBe('required value is empty');
    expect(maskQuotedValue('too many fields: expected 3, found 4')).toBe(
      'too many fields: expected 3, found 4',
    );
  });
});

describe('scrubbing free text', () => {
  it('masks emails and + phone numbers wherever they appear', () => {
    expect(
      scrubText(
        'Could not convert string "bob.lee@corp.example.org" to DOUBLE; call +1 555-010-4477.',
      ),
    ).toBe('Could not convert string "b•••@c•••.org" to DOUBLE; call +• •••-•••-••77.');
    expect(scrubText('the file has: id, x@y.io, amount')).toBe(
      'the file has: id, x•••@y•••.io, amount',
    );
  });

  it('leaves dates, amounts and ordinary text alone', () => {
    const text =
      'dates like 03/04/2024 read as day/month; 1,234,567.50 at 2024-01-01 12:00 (+5.5%), read as Windows-1252';
    expect(scrubText(text)).toBe(text);
  });
});
