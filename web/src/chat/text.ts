// Message text as the UI shows it: plain text cut into runs of text, links and mentions. Nothing here produces HTML;
// the components render each run as a React text node (links as <a> with the URL as their text).

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string };

const url = /\bhttps?:\/\/[^\s<>"]+/giu;

/** Trailing characters that end a sentence rather than the URL (a closing parenthesis only when unbalanced). */
function trimUrl(candidate: string): string {
  let end = candidate.length;
  for (;;) {
    const last = candidate[end - 1];
    if (last === undefined) {
      break;
    }
    if ('.,;:!?\'"'.includes(last)) {
      end--;
      continue;
    }
    if (last === ')') {
      const text = candidate.slice(0, end);
      const opens = text.split('(').length - 1;
      const closes = text.split(')').length - 1;
      if (closes > opens) {
        end--;
        continue;
      }
    }
    break;
  }
  return candidate.slice(0, end);
}

function isSafeHref(href: string): boolean {
  try {
    const parsed = new URL(href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Splits plain text on `@Name` for each of the given names (longest first, not inside a word). */
function mentionSegments(text: string, names: readonly string[]): Segment[] {
  const sorted = [...new Set(names.filter((n) => n.trim() !== ''))].sort((a, b) => b.length - a.length);
  if (sorted.length === 0 || !text.includes('@')) {
    return text === '' ? [] : [{ kind: 'text', text }];
  }
  const segments: Segment[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const before = i === 0 ? '' : (text[i - 1] ?? '');
    if (text[i] === '@' && !/[\p{L}\p{N}_]/u.test(before)) {
      const lower = text.slice(i + 1).toLocaleLowerCase();
      const name = sorted.find((n) => {
        if (!lower.startsWith(n.toLocaleLowerCase())) {
          return false;
        }
        const after = text[i + 1 + n.length];
        return after === undefined || !/[\p{L}\p{N}_]/u.test(after);
      });
      if (name !== undefined) {
        if (plain !== '') {
          segments.push({ kind: 'text', text: plain });
          plain = '';
        }
        segments.push({ kind: 'mention', text: text.slice(i, i + 1 + name.length) });
        i += 1 + name.length;
        continue;
      }
    }
    plain += text[i];
    i++;
  }
  if (plain !== '') {
    segments.push({ kind: 'text', text: plain });
  }
  return segments;
}

/** Cuts message text into text, links (http and https only) and `@Name` mentions of the given display names. */
export function segmentText(text: string, mentionNames: readonly string[] = []): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(url)) {
    const start = match.index;
    const href = trimUrl(match[0]);
    if (!isSafeHref(href)) {
      continue;
    }
    segments.push(...mentionSegments(text.slice(last, start), mentionNames));
    segments.push({ kind: 'link', text: href, href });
    last = start + href.length;
  }
  segments.push(...mentionSegments(text.slice(last), mentionNames));
  return segments;
}

export { formatBytes } from '../format.ts';

/** The local calendar day of a timestamp, as a key ("2026-11-22"). */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The label of a day separator: "Today", "Yesterday", or the date. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) {
    return 'Today';
  }
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) {
    return 'Yesterday';
  }
  const date = new Date(iso);
  return date.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}),
  });
}

/** Indexes of the messages that start a new day (the first one always does). */
export function dayStarts(messages: readonly { createdAt: string }[]): Set<number> {
  const starts = new Set<number>();
  let previous: string | null = null;
  messages.forEach((m, i) => {
    const key = dayKey(m.createdAt);
    if (key !== previous) {
      starts.add(i);
      previous = key;
    }
  });
  return starts;
}

/** The time of day of a message, "14:05". */
export function timeOfDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
