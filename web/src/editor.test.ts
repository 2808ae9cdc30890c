import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cleanFileName,
  debounce,
  findPlaceholder,
  imageFiles,
  insertAtCaret,
  placeholder,
  problemMessage,
  removePlaceholder,
  replacePlaceholder,
  breaksAround,
  splice,
  type TextState,
} from './editor.ts';

const at = (value: string, caret = value.length, end = caret): TextState => ({ value, selectionStart: caret, selectionEnd: end });

describe('cleanFileName', () => {
  it('keeps an ordinary name', () => {
    expect(cleanFileName('rain on tin.png', 'image/png')).toBe('rain on tin.png');
    expect(cleanFileName('Снимок экрана.jpg', 'image/jpeg')).toBe('Снимок экрана.jpg');
  });

  it('drops folders of either kind', () => {
    expect(cleanFileName('C:\\Users\\me\\photo.jpg', 'image/jpeg')).toBe('photo.jpg');
    expect(cleanFileName('../../etc/passwd.png', 'image/png')).toBe('passwd.png');
  });

  it('removes what would break the Markdown image or the line', () => {
    expect(cleanFileName('a](javascript:x).png', 'image/png')).toBe('ajavascript:x.png');
    expect(cleanFileName('two\nlines.png', 'image/png')).toBe('twolines.png');
  });

  it('names nameless images by their type', () => {
    expect(cleanFileName('', 'image/png')).toBe('image.png');
    expect(cleanFileName('[].gif', 'image/gif')).toBe('image.gif');
    expect(cleanFileName('', 'image/webp')).toBe('image.webp');
    expect(cleanFileName('', 'application/pdf')).toBe('image');
  });

  it('shortens long names but keeps the extension', () => {
    const cleaned = cleanFileName('x'.repeat(300) + '.jpeg', 'image/jpeg');
    expect(cleaned).toHaveLength(80);
    expect(cleaned.endsWith('.jpeg')).toBe(true);
  });
});

describe('insertAtCaret', () => {
  it('puts the image on a line of its own and the caret after it', () => {
    const next = insertAtCaret(at('Before after', 6), '![x](/a.png)');
    expect(next.value).toBe('Before\n![x](/a.png)\n after');
    expect(next.value.slice(0, next.selectionStart)).toBe('Before\n![x](/a.png)');
    expect(next.selectionEnd).toBe(next.selectionStart);
  });

  it('adds no blank lines where there are line breaks already', () => {
    expect(insertAtCaret(at(''), '![x](/a.png)').value).toBe('![x](/a.png)\n');
    expect(insertAtCaret(at('One\n\nTwo', 4), '![x](/a.png)').value).toBe('One\n![x](/a.png)\nTwo');
  });

  it('replaces the selected text', () => {
    expect(insertAtCaret(at('keep DROP keep', 5, 9), 'IMG').value).toBe('keep \nIMG\n keep');
  });
});

describe('placeholders', () => {
  it('are found again while the progress changes', () => {
    const text = `Intro\n${placeholder('a1', 'rain.png', 42.4)}\nOutro`;
    expect(placeholder('a1', 'rain.png', 42.4)).toContain('42%');
    const found = findPlaceholder(text, 'a1');
    expect(found).not.toBeNull();
    expect(text.slice(found!.start, found!.end)).toBe(placeholder('a1', 'rain.png', 42.4));
    expect(findPlaceholder(text, 'a2')).toBeNull();
  });

  it('are replaced by the final Markdown, the rest untouched', () => {
    const start = insertAtCaret(at('Intro', 5), placeholder('a1', 'rain.png', 0));
    const progressed = replacePlaceholder(start, 'a1', placeholder('a1', 'rain.png', 60));
    const done = replacePlaceholder(progressed, 'a1', '![rain](/assets/abc/rain.png)');
    expect(done.value).toBe('Intro\n![rain](/assets/abc/rain.png)\n');
  });

  it('keep the author typing: a caret after the placeholder moves with the text', () => {
    const text = `${placeholder('a1', 'rain.png', 0)}\nmore words`;
    const caret = text.length;
    const done = replacePlaceholder(at(text, caret), 'a1', '![r](/x.png)');
    expect(done.value).toBe('![r](/x.png)\nmore words');
    expect(done.selectionStart).toBe(done.value.length);
  });

  it('keep two uploads apart', () => {
    let state = insertAtCaret(at(''), placeholder('a1', 'one.png', 0));
    state = insertAtCaret(state, placeholder('a2', 'two.png', 0));
    state = replacePlaceholder(state, 'a2', '![two](/2.png)');
    state = replacePlaceholder(state, 'a1', '![one](/1.png)');
    expect(state.value).toBe('![one](/1.png)\n![two](/2.png)\n');
  });

  it('vanish on failure and leave the text exactly as it was', () => {
    for (const [text, caret] of [['My text.', 8], ['One\n\nTwo', 4], ['Split here', 5], ['', 0], ['Line\n', 5]] as const) {
      const before = at(text, caret);
      const added = breaksAround(before);
      const uploading = insertAtCaret(before, placeholder('a1', 'x.png', 0));
      expect(uploading.value).not.toBe(text);
      expect(removePlaceholder(uploading, 'a1', added).value).toBe(text);
    }
  });

  it('deleted by the author: the finished image goes in at the caret, a failure changes nothing', () => {
    const state = at('Rewritten meanwhile.', 9);
    expect(replacePlaceholder(state, 'a1', '![x](/x.png)').value).toBe('Rewritten\n![x](/x.png)\n meanwhile.');
    expect(replacePlaceholder(state, 'a1', placeholder('a1', 'x.png', 50))).toEqual(state);
    expect(removePlaceholder(state, 'a1', { lead: '\n', trail: '\n' })).toEqual(state);
  });
});

describe('splice', () => {
  it('moves a selection inside the replaced range to its end', () => {
    expect(splice(at('abcdef', 3, 4), 2, 5, 'XY')).toEqual({ value: 'abXYf', selectionStart: 4, selectionEnd: 4 });
  });

  it('leaves a selection before the range alone', () => {
    expect(splice(at('abcdef', 1), 2, 5, '')).toEqual({ value: 'abf', selectionStart: 1, selectionEnd: 1 });
  });
});

describe('debounce', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls once, with the last arguments, after the calls stop', () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const debounced = debounce((text: string) => calls.push(text), 300);
    debounced('a');
    vi.advanceTimersByTime(200);
    debounced('ab');
    vi.advanceTimersByTime(200);
    expect(calls).toEqual([]);
    debounced('abc');
    vi.advanceTimersByTime(300);
    expect(calls).toEqual(['abc']);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['abc']);
  });

  it('can be cancelled', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const debounced = debounce(fn, 100);
    debounced();
    debounced.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('problemMessage', () => {
  it('says what the server said', () => {
    expect(problemMessage(415, { title: 'Not an image.', detail: 'Upload PNG.' })).toBe('Not an image. Upload PNG.');
    expect(problemMessage(413, { title: 'Too large.' })).toBe('Too large.');
  });

  it('falls back to the status when the answer is not a problem', () => {
    expect(problemMessage(502, null)).toBe('The server answered 502.');
    expect(problemMessage(500, { title: 42 })).toBe('The server answered 500.');
    expect(problemMessage(400, null)).toContain('reload');
    expect(problemMessage(0, null)).toContain('could not be reached');
  });
});

describe('imageFiles', () => {
  it('keeps images and files of unknown type, leaves other files to the browser', () => {
    const png = new File([new Uint8Array([1])], 'a.png', { type: 'image/png' });
    const unknown = new File([new Uint8Array([1])], 'b');
    const text = new File(['hi'], 'c.txt', { type: 'text/plain' });
    expect(imageFiles([png, unknown, text])).toEqual([png, unknown]);
    expect(imageFiles(null)).toEqual([]);
  });
});
