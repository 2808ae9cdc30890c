// The admin post editor (/app/editor.js, loaded by /admin/posts/new and /admin/posts/{slug}/edit): live preview,
// images pasted, dropped or picked into the Markdown, the saved/unsaved indicator and the mobile Write/Preview tabs.
// The pure parts (text edits, names, debounce, error messages) are exported for editor.test.ts; the page works
// without this script too (a plain form post).

/** A textarea's text and selection. */
export interface TextState {
  value: string;
  selectionStart: number;
  selectionEnd: number;
}

/** The server refuses larger images (413); checked here too so nothing is sent in vain. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
};

/**
 * A file name fit to show in the placeholder: no folders, no characters that would end the Markdown image
 * (`[ ] ( )`) or the line, at most 80 characters; "image.png" (by type) when nothing is left. The server cleans
 * names again for storage.
 */
export function cleanFileName(name: string, type: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f[\]()<>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean.replace(/\.[^.]*$/, '').length === 0) {
    return 'image' + (EXTENSIONS[type] ?? '');
  }
  if (clean.length <= 80) {
    return clean;
  }
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 && clean.length - dot <= 6 ? clean.slice(dot) : '';
  return clean.slice(0, 80 - extension.length).trimEnd() + extension;
}

/** The text marking an upload in progress; `id` finds it again however the percentage changes. */
export function placeholder(id: string, name: string, percent?: number): string {
  return `![Uploading ${name}${percent === undefined ? '' : ` ${Math.round(percent)}%`}…](#upload-${id})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where the placeholder of upload `id` is in the text, or null when the author removed it. */
export function findPlaceholder(value: string, id: string): { start: number; end: number } | null {
  const match = new RegExp(`!\\[Uploading [^\\]\\n]*\\]\\(#upload-${escapeRegExp(id)}\\)`).exec(value);
  return match === null ? null : { start: match.index, end: match.index + match[0].length };
}

/**
 * Replaces characters `start`–`end` with `insert`; a selection after the change moves with the text, one inside it
 * moves to the end of the insert.
 */
export function splice(state: TextState, start: number, end: number, insert: string): TextState {
  const shift = (position: number): number =>
    position <= start ? position : position >= end ? position + insert.length - (end - start) : start + insert.length;
  return {
    value: state.value.slice(0, start) + insert + state.value.slice(end),
    selectionStart: shift(state.selectionStart),
    selectionEnd: shift(state.selectionEnd),
  };
}

/** The line breaks an insert at the caret needs to stand on a line of its own. */
export function breaksAround(state: TextState): { lead: string; trail: string } {
  const before = state.value.slice(0, state.selectionStart);
  const after = state.value.slice(state.selectionEnd);
  return { lead: before.length === 0 || before.endsWith('\n') ? '' : '\n', trail: after.startsWith('\n') ? '' : '\n' };
}

/** Inserts `text` at the caret (replacing any selection) on a line of its own, and puts the caret after it. */
export function insertAtCaret(state: TextState, text: string): TextState {
  const { lead, trail } = breaksAround(state);
  const inserted = splice(state, state.selectionStart, state.selectionEnd, lead + text + trail);
  const caret = state.selectionStart + lead.length + text.length;
  return { ...inserted, selectionStart: caret, selectionEnd: caret };
}

/**
 * Replaces upload `id`'s placeholder with `text` (the final Markdown or a new progress). If the author deleted the
 * placeholder meanwhile, the final Markdown goes in at the caret instead, so no upload is lost.
 */
export function replacePlaceholder(state: TextState, id: string, text: string): TextState {
  const found = findPlaceholder(state.value, id);
  if (found !== null) {
    return splice(state, found.start, found.end, text);
  }
  return text.includes(`](#upload-${id})`) ? state : insertAtCaret(state, text);
}

/**
 * Takes a failed upload's placeholder out again, with the line breaks `insertAtCaret` added around it (as
 * `breaksAround` said), so the text is as the author left it.
 */
export function removePlaceholder(state: TextState, id: string, added: { lead: string; trail: string }): TextState {
  const found = findPlaceholder(state.value, id);
  if (found === null) {
    return state;
  }
  let { start, end } = found;
  if (added.lead !== '' && state.value.slice(start - added.lead.length, start) === added.lead) {
    start -= added.lead.length;
  }
  if (added.trail !== '' && state.value.slice(end, end + added.trail.length) === added.trail) {
    end += added.trail.length;
  }
  return splice(state, start, end, '');
}

/** Calls `fn` once calls have stopped for `ms` milliseconds, with the last arguments. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  return Object.assign(debounced, {
    cancel(): void {
      clearTimeout(timer);
      timer = undefined;
    },
  });
}

/** What to tell the author when the server refused a request: its problem title (and detail), or the status. */
export function problemMessage(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const { title, detail } = body as { title?: unknown; detail?: unknown };
    if (typeof title === 'string' && title.length > 0) {
      return typeof detail === 'string' && detail.length > 0 ? `${title} ${detail}` : title;
    }
  }
  if (status === 0) {
    return 'The server could not be reached.';
  }
  return status === 400 ? 'The page has expired: reload it and try again.' : `The server answered ${status}.`;
}

/** The images in a paste or drop (files of any other kind are left to the browser). */
export function imageFiles(files: ArrayLike<File> | null | undefined): File[] {
  return Array.from(files ?? []).filter((f) => f.type === '' || f.type.startsWith('image/'));
}

// ---- the page ----

const SAVE_TEXT: Record<string, string> = {
  saved: 'All changes saved',
  new: 'Not saved yet',
  unsaved: 'Not saved',
  dirty: 'Unsaved changes',
};

function mount(form: HTMLFormElement): void {
  const source = form.querySelector<HTMLTextAreaElement>('textarea[name="Input.Source"]');
  const preview = form.querySelector<HTMLElement>('[data-preview]');
  const token = form.querySelector<HTMLInputElement>('input[name="__RequestVerificationToken"]')?.value ?? '';
  const state = document.querySelector<HTMLElement>('[data-save-state]');
  const uploadStatus = form.querySelector<HTMLElement>('[data-upload-status]');
  if (source === null || preview === null || source.matches(':disabled')) {
    return; // a read-only post from a vault
  }
  const previewUrl = form.dataset['previewUrl'] ?? '?handler=Preview';
  const uploadUrl = form.dataset['uploadUrl'] ?? '?handler=Upload';

  let dirty = form.dataset['dirty'] === 'true';
  const showState = (name: string): void => {
    if (state !== null) {
      state.dataset['saveState'] = name;
      state.textContent = SAVE_TEXT[name] ?? '';
    }
  };
  const markDirty = (): void => {
    if (!dirty) {
      dirty = true;
      showState('dirty');
    }
  };
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  form.addEventListener('submit', () => {
    dirty = false; // leaving through the form is saving
  });
  window.addEventListener('beforeunload', (event) => {
    if (dirty) {
      event.preventDefault();
    }
  });

  // Preview: only the answer to the latest request is shown (earlier ones may arrive later).
  let sequence = 0;
  const refresh = async (): Promise<void> => {
    const mine = ++sequence;
    preview.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(previewUrl, {
        method: 'POST',
        headers: { RequestVerificationToken: token },
        body: new URLSearchParams({ source: source.value }),
      });
      if (mine !== sequence) {
        return;
      }
      if (response.ok) {
        preview.innerHTML = await response.text(); // rendered and sanitized by the server, like the published post
      } else {
        preview.textContent = `Preview unavailable: ${problemMessage(response.status, await readJson(response))}`;
      }
    } catch {
      if (mine === sequence) {
        preview.textContent = 'Preview unavailable: the server could not be reached.';
      }
    } finally {
      if (mine === sequence) {
        preview.removeAttribute('aria-busy');
      }
    }
  };
  const refreshSoon = debounce(() => void refresh(), 300);
  source.addEventListener('input', refreshSoon);

  // Images: a placeholder at the caret while uploading, then the final Markdown (or nothing, and a message).
  const apply = (next: TextState): void => {
    const focused = document.activeElement === source;
    source.value = next.value;
    if (focused) {
      source.setSelectionRange(next.selectionStart, next.selectionEnd);
    } else {
      source.selectionStart = next.selectionStart;
      source.selectionEnd = next.selectionEnd;
    }
  };
  const current = (): TextState => ({ value: source.value, selectionStart: source.selectionStart, selectionEnd: source.selectionEnd });
  let uploads = 0;
  const uploadAll = (files: File[]): void => {
    for (const file of files) {
      void uploadOne(file);
    }
  };
  const uploadOne = async (file: File): Promise<void> => {
    const id = `${Date.now().toString(36)}-${++uploads}`;
    const name = cleanFileName(file.name, file.type);
    const added = breaksAround(current());
    apply(insertAtCaret(current(), placeholder(id, name, 0)));
    markDirty();
    const result = file.size > MAX_IMAGE_BYTES
      ? { ok: false as const, message: `The image is too large. Images may be up to ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` }
      : await send(uploadUrl, token, file, name, (percent) => apply(replacePlaceholder(current(), id, placeholder(id, name, percent))));
    if (result.ok) {
      apply(replacePlaceholder(current(), id, result.markdown));
      if (uploadStatus !== null) {
        uploadStatus.textContent = '';
      }
    } else {
      apply(removePlaceholder(current(), id, added));
      if (uploadStatus !== null) {
        uploadStatus.textContent = `Could not add ${name}: ${result.message}`;
        uploadStatus.className = 'mb-2 text-sm field-error';
      }
    }
    void refresh();
  };

  source.addEventListener('paste', (event) => {
    const files = imageFiles(event.clipboardData?.files);
    if (files.length > 0) {
      event.preventDefault();
      uploadAll(files);
    }
  });
  source.addEventListener('dragover', (event) => {
    if (event.dataTransfer?.types.includes('Files') === true) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  });
  source.addEventListener('drop', (event) => {
    const files = imageFiles(event.dataTransfer?.files);
    if (files.length > 0) {
      event.preventDefault();
      source.focus();
      uploadAll(files);
    }
  });
  const picker = form.querySelector<HTMLInputElement>('[data-image-input]');
  picker?.addEventListener('change', () => {
    uploadAll(Array.from(picker.files ?? []));
    picker.value = '';
  });

  // Small screens: Write and Preview are tabs; wide ones show both side by side (lg:block).
  const panes = form.querySelectorAll<HTMLElement>('[data-pane]');
  const tabs = form.querySelectorAll<HTMLButtonElement>('[data-tab]');
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const other of tabs) {
        other.setAttribute('aria-selected', String(other === tab));
      }
      for (const pane of panes) {
        pane.classList.toggle('hidden', pane.dataset['pane'] !== tab.dataset['tab']);
      }
    });
  }

  if (preview.innerHTML.trim() === '' && source.value.trim() !== '') {
    void refresh();
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

type UploadResult = { ok: true; markdown: string } | { ok: false; message: string };

/** Uploads one image with XMLHttpRequest (fetch cannot report upload progress). */
function send(url: string, token: string, file: File, name: string, progress: (percent: number) => void): Promise<UploadResult> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('RequestVerificationToken', token);
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) {
        progress((event.loaded / event.total) * 100);
      }
    });
    request.addEventListener('load', () => {
      const body: unknown = request.response;
      const markdown = (body as { markdown?: unknown } | null)?.markdown;
      resolve(request.status === 200 && typeof markdown === 'string'
        ? { ok: true, markdown }
        : { ok: false, message: problemMessage(request.status, body) });
    });
    request.addEventListener('error', () => resolve({ ok: false, message: problemMessage(0, null) }));
    const data = new FormData();
    data.append('file', file, name);
    request.send(data);
  });
}

if (typeof document !== 'undefined') {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-editor]')) {
    mount(form);
  }
}
