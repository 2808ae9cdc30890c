import { describe, expect, it } from 'vitest';
import { dayLabel, dayStarts, formatBytes, segmentText } from './text.ts';

describe('segmentText', () => {
  it('turns http(s) URLs into links and leaves the rest as text', () => {
    expect(segmentText('see https://example.org/a?b=1 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('leaves sentence punctuation and an unbalanced parenthesis outside the link', () => {
    expect(segmentText('(look at https://example.org/x.)').map((s) => s.text)).toEqual(['(look at ', 'https://example.org/x', '.)']);
    expect(segmentText('https://en.wikipedia.org/wiki/Foo_(bar)')[0]).toMatchObject({ kind: 'link', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
  });

  it('never links other schemes, and HTML stays text', () => {
    const segments = segmentText('javascript:alert(1) <img src=x onerror=alert(1)> data:text/html,hi');
    expect(segments.every((s) => s.kind === 'text')).toBe(true);
    expect(segments.map((s) => s.text).join('')).toBe('javascript:alert(1) <img src=x onerror=alert(1)> data:text/html,hi');
  });

  it('highlights @Name of mentioned members only, the longest name first, not inside words', () => {
    const segments = segmentText('hi @Ann Lee and @Bob, not @Carol or mail@Bob.org', ['Ann', 'Ann Lee', 'Bob']);
    expect(segments.filter((s) => s.kind === 'mention').map((s) => s.text)).toEqual(['@Ann Lee', '@Bob']);
    expect(segments.map((s) => s.text).join('')).toBe('hi @Ann Lee and @Bob, not @Carol or mail@Bob.org');
  });

  it('finds mentions and links in the same text', () => {
    expect(segmentText('@Bob https://x.org', ['Bob']).map((s) => s.kind)).toEqual(['mention', 'text', 'link']);
  });
});

describe('days and sizes', () => {
  it('separates messages by local day', () => {
    const at = (d: number, h: number) => ({ createdAt: new Date(2026, 10, d, h).toISOString() });
    expect([...dayStarts([at(20, 9), at(20, 23), at(21, 0), at(21, 5), at(23, 1)])]).toEqual([0, 2, 4]);
  });

  it('labels today and yesterday', () => {
    const now = new Date(2026, 10, 22, 12);
    expect(dayLabel(new Date(2026, 10, 22, 1).toISOString(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 21, 23).toISOString(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 2, 23).toISOString(), now)).not.toMatch(/Today|Yesterday/);
  });

  it('says document sizes the way people read them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12 MB');
  });
});
