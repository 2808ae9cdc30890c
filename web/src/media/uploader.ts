// The admin media library's uploader (/app/media.js, a script entry of its own): files dropped on the drop zone,
// picked, or pasted anywhere on the page are uploaded, each with its own request, up to 3 at a time.
//
// Markup the server emits:
//
//   <form data-media-upload data-upload-url="/admin/media?handler=Upload" data-album-id="(optional)">
//     <input type="hidden" name="__RequestVerificationToken" value="…">
//     <div data-drop-zone>Drop files here or <label>choose<input type="file" multiple hidden></label></div>
//     <ol data-upload-list></ol>
//   </form>
//
// Each upload is a POST of multipart/form-data to data-upload-url (default "?handler=Upload") with the header
// `RequestVerificationToken: <token>`, the field `albumId` when data-album-id is set, then the file as `file`.
// A .gltf dropped with the files it names (buffers[].uri and images[].uri that are plain relative names) goes in ONE
// request: the .gltf as the first `file` part, the others as further `file` parts.
//
// Each upload (or glTF set) gets an <li data-state="queued|uploading|done|error|cancelled"> in the list with the
// name (`data-upload-name`), size, a <progress> and percentage (`data-upload-percent`), a Cancel button
// (`data-upload-cancel`; aborts the request, or takes a waiting one out of the queue: "Cancelled") and the outcome
// (`data-upload-message`): on 2xx with `{id, fileName, kind, status, url, thumbnailUrl?}` "Uploaded — processing"
// (just "Uploaded" when status is "ready") and the name becomes a link to /admin/media/{id} (the item gets
// data-media-id); on an error the problem details' title and detail, in red. "queued" is the state of uploads
// waiting for one of the 3 places. When the queue runs empty, the form dispatches a bubbling
// `media-uploaded` CustomEvent with detail `{uploaded: UploadedMedia[], failed: number, cancelled: number}`.
//
// The pure parts (sizes, glTF grouping, problems, the queue) are exported for uploader.test.ts.

import { formatBytes } from '../format.ts';

/** At most this many uploads run at once. */
export const CONCURRENCY = 3;

// ---- pure parts ----

export { formatBytes };

/** Whether a file is a glTF JSON scene (which may come with .bin buffers and textures). */
export function isGltf(name: string): boolean {
  return /\.gltf$/i.test(name);
}

/**
 * The files a glTF scene refers to that can be among the dropped files: the `uri` of its buffers and images when it is
 * a plain relative name ("scene.bin", "wood%20grain.png" → "wood grain.png"), not a data: or other URL, an absolute
 * path, or a path into a folder. Each name once, in order.
 */
export function gltfReferences(gltf: unknown): string[] {
  if (typeof gltf !== 'object' || gltf === null) {
    return [];
  }
  const names: string[] = [];
  for (const key of ['buffers', 'images'] as const) {
    const list = (gltf as Record<string, unknown>)[key];
    if (!Array.isArray(list)) {
      continue;
    }
    for (const entry of list) {
      const uri = typeof entry === 'object' && entry !== null ? (entry as { uri?: unknown }).uri : undefined;
      if (typeof uri !== 'string' || uri === '' || /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.includes('?') || uri.includes('#')) {
        continue;
      }
      let name: string;
      try {
        name = decodeURIComponent(uri);
      } catch {
        continue;
      }
      if (name === '' || name === '.' || name === '..' || /[\\/]/.test(name) || names.includes(name)) {
        continue;
      }
      names.push(name);
    }
  }
  return names;
}

/** What goes up in one request: one file, or a .gltf first and the files it names. */
export interface UploadGroup<T> {
  files: T[];
  /** Files the .gltf names that were not among the dropped ones. */
  missing: string[];
}

/**
 * Splits dropped files into requests: every .gltf takes the files it names (`references`, by exact name, else
 * ignoring case) with it, in the order it names them; every other file goes alone. Groups keep the order of the
 * dropped files; a file named by two scenes goes with the first.
 */
export function groupUploads<T extends { name: string }>(files: readonly T[], references: ReadonlyMap<T, readonly string[]>): UploadGroup<T>[] {
  const taken = new Set<T>();
  const scenes = new Map<T, UploadGroup<T>>();
  for (const file of files) {
    if (!isGltf(file.name) || taken.has(file)) {
      continue;
    }
    taken.add(file);
    const group: UploadGroup<T> = { files: [file], missing: [] };
    for (const name of references.get(file) ?? []) {
      const free = files.filter((f) => !taken.has(f) && !isGltf(f.name)); // a scene is never another's part
      const match = free.find((f) => f.name === name) ?? free.find((f) => f.name.toLowerCase() === name.toLowerCase());
      if (match === undefined) {
        if (!group.files.some((f) => f.name === name)) {
          group.missing.push(name);
        }
      } else {
        taken.add(match);
        group.files.push(match);
      }
    }
    scenes.set(file, group);
  }
  const groups: UploadGroup<T>[] = [];
  for (const file of files) {
    const scene = scenes.get(file);
    if (scene !== undefined) {
      groups.push(scene);
    } else if (!taken.has(file)) {
      groups.push({ files: [file], missing: [] });
    }
  }
  return groups;
}

/** What the server answers with 201 Created. */
export interface UploadedMedia {
  id: string;
  fileName: string;
  kind: string;
  status: string;
  url: string;
  thumbnailUrl?: string;
}

/** The created media in a response body, or null when the body is not one. */
export function parseUploaded(body: unknown): UploadedMedia | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const b = body as Record<string, unknown>;
  const id = typeof b['id'] === 'number' ? String(b['id']) : b['id'];
  if (typeof id !== 'string' || id === '') {
    return null;
  }
  const text = (key: string): string => (typeof b[key] === 'string' ? (b[key] as string) : '');
  const media: UploadedMedia = { id, fileName: text('fileName'), kind: text('kind'), status: text('status'), url: text('url') };
  if (text('thumbnailUrl') !== '') {
    media.thumbnailUrl = text('thumbnailUrl');
  }
  return media;
}

/** The page of one media item in the admin. */
export function mediaPage(id: string): string {
  return `/admin/media/${encodeURIComponent(id)}`;
}

/** What tells the admin that an upload is done: processing goes on on the server unless it is already ready. */
export function uploadedText(media: UploadedMedia): string {
  return media.status.toLowerCase() === 'ready' ? 'Uploaded' : 'Uploaded — processing';
}

const STATUS_TITLES: Record<number, string> = {
  0: 'The server could not be reached',
  400: 'The page has expired',
  401: 'You are signed out',
  403: 'You may not upload here',
  408: 'The upload took too long',
  413: 'The file is too large',
  415: 'This file type is not supported',
  429: 'Too many uploads',
  507: 'The server is out of space',
};

const STATUS_DETAILS: Record<number, string> = {
  0: 'Check the connection and try again.',
  400: 'Reload the page and try again.',
  401: 'Sign in again, then try again.',
  429: 'Wait a moment and try again.',
};

/**
 * Why an upload failed, from the problem details the server sent (`title`, `detail`), else from the status alone
 * (a proxy refusing a large body sends no problem details).
 */
export function uploadProblem(status: number, body: unknown): { title: string; detail: string } {
  let title = '';
  let detail = '';
  if (typeof body === 'object' && body !== null) {
    const b = body as { title?: unknown; detail?: unknown };
    title = typeof b.title === 'string' ? b.title.trim() : '';
    detail = typeof b.detail === 'string' ? b.detail.trim() : '';
  }
  if (title === '') {
    title = STATUS_TITLES[status] ?? (status >= 500 ? 'The server failed' : `The server answered ${status}`);
    if (detail === '') {
      detail = STATUS_DETAILS[status] ?? (status >= 500 ? 'Try again later.' : '');
    }
  }
  return { title, detail };
}

/** A queue that runs at most `limit` tasks at once and calls `onIdle` each time the last one has finished. */
export interface TaskQueue {
  add(task: () => Promise<unknown>): void;
  readonly active: number;
  readonly waiting: number;
}

export function createQueue(limit: number, onIdle?: () => void): TaskQueue {
  const max = Math.max(1, Math.floor(limit));
  const waiting: (() => Promise<unknown>)[] = [];
  let active = 0;
  const pump = (): void => {
    while (active < max && waiting.length > 0) {
      const task = waiting.shift() as () => Promise<unknown>;
      active++;
      let running: Promise<unknown>;
      try {
        running = Promise.resolve(task());
      } catch (error: unknown) {
        running = Promise.reject(error);
      }
      void running.catch(() => undefined).then(() => {
        active--;
        pump();
        if (active === 0 && waiting.length === 0) {
          onIdle?.();
        }
      });
    }
  };
  return {
    add(task) {
      waiting.push(task);
      pump();
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/** The whole-number percentage of `loaded` out of `total`, 0–100. */
export function percent(loaded: number, total: number): number {
  if (!(total > 0) || !Number.isFinite(loaded)) {
    return 0;
  }
  return Math.min(100, Math.max(0, Math.round((loaded / total) * 100)));
}

// ---- the page ----

type State = 'queued' | 'uploading' | 'done' | 'error' | 'cancelled';

interface Outcome {
  uploaded?: UploadedMedia;
  state: State;
}

const DRAGGING = ['border-indigo-600', 'bg-indigo-50', 'dark:border-indigo-400', 'dark:bg-indigo-950/40'];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = text;
  return element;
}

/** One list item and the request behind it. */
class Upload {
  readonly item = el('li', 'rounded-md border border-zinc-200 p-3 dark:border-zinc-700');
  readonly #name = el('span', 'font-medium break-all');
  readonly #progress = el('progress', 'h-2 min-w-0 flex-1 appearance-none overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700 [&::-moz-progress-bar]:bg-indigo-700 dark:[&::-moz-progress-bar]:bg-indigo-400 [&::-webkit-progress-bar]:bg-zinc-200 dark:[&::-webkit-progress-bar]:bg-zinc-700 [&::-webkit-progress-value]:bg-indigo-700 dark:[&::-webkit-progress-value]:bg-indigo-400');
  readonly #percent = el('span', 'w-12 shrink-0 text-right text-sm tabular-nums', '0%');
  readonly #cancel = el('button', 'btn-secondary shrink-0 px-3 py-1', 'Cancel');
  readonly #row = el('div', 'mt-2 flex items-center gap-3');
  readonly #message = el('p', 'mt-1 text-sm text-zinc-600 dark:text-zinc-400');
  #request: XMLHttpRequest | null = null;
  #state: State = 'queued';
  readonly #group: UploadGroup<File>;
  readonly #settings: { url: string; token: string; albumId: string };

  constructor(group: UploadGroup<File>, settings: { url: string; token: string; albumId: string }) {
    this.#group = group;
    this.#settings = settings;
    const [first, ...rest] = group.files;
    const name = first?.name ?? '';
    const size = group.files.reduce((sum, f) => sum + f.size, 0);
    this.#name.dataset['uploadName'] = '';
    this.#name.textContent = name;
    const head = el('div', 'flex flex-wrap items-baseline gap-x-3');
    head.append(this.#name, el('span', 'text-sm text-zinc-600 tabular-nums dark:text-zinc-400', formatBytes(size)));
    this.item.append(head);
    if (rest.length > 0) {
      this.item.append(el('p', 'text-sm text-zinc-600 dark:text-zinc-400', `with ${rest.map((f) => f.name).join(', ')}`));
    }
    if (group.missing.length > 0) {
      this.item.append(el('p', 'text-sm text-amber-800 dark:text-amber-300', `Not among the dropped files: ${group.missing.join(', ')}`));
    }
    this.#progress.max = 100;
    this.#progress.value = 0;
    this.#progress.setAttribute('aria-label', `Upload of ${name}`);
    this.#percent.dataset['uploadPercent'] = '';
    this.#cancel.type = 'button';
    this.#cancel.dataset['uploadCancel'] = '';
    this.#cancel.setAttribute('aria-label', `Cancel upload of ${name}`);
    this.#cancel.addEventListener('click', () => this.cancel());
    this.#row.append(this.#progress, this.#percent, this.#cancel);
    this.#message.dataset['uploadMessage'] = '';
    this.#message.setAttribute('role', 'status');
    this.item.append(this.#row, this.#message);
    this.#setState('queued', 'Waiting…');
  }

  get state(): State {
    return this.#state;
  }

  #setState(state: State, message: string): void {
    this.#state = state;
    this.item.dataset['state'] = state;
    this.#message.textContent = message;
    const finished = state === 'done' || state === 'error' || state === 'cancelled';
    this.#cancel.hidden = finished;
    this.#row.hidden = finished;
    this.#message.className = state === 'error'
      ? 'mt-1 text-sm text-red-700 dark:text-red-300'
      : 'mt-1 text-sm text-zinc-600 dark:text-zinc-400';
  }

  cancel(): void {
    if (this.#state === 'queued') {
      this.#setState('cancelled', 'Cancelled');
    } else if (this.#state === 'uploading') {
      this.#request?.abort(); // the abort event says "Cancelled"
    }
  }

  /** Sends the files; settles when the request has ended, whatever the outcome. */
  run(): Promise<Outcome> {
    if (this.#state !== 'queued') {
      return Promise.resolve({ state: this.#state });
    }
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      this.#request = request;
      request.open('POST', this.#settings.url);
      request.setRequestHeader('RequestVerificationToken', this.#settings.token);
      request.responseType = 'json';
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) {
          this.#showProgress(percent(event.loaded, event.total));
        }
      });
      let outcome: Outcome = { state: 'error' };
      request.addEventListener('load', () => {
        const body: unknown = request.response;
        const uploaded = request.status >= 200 && request.status < 300 ? parseUploaded(body) : null;
        if (request.status >= 200 && request.status < 300) {
          this.#done(uploaded);
          outcome = uploaded === null ? { state: 'done' } : { state: 'done', uploaded };
        } else {
          this.#fail(request.status, body);
        }
      });
      request.addEventListener('error', () => this.#fail(0, null));
      request.addEventListener('timeout', () => this.#fail(408, null));
      request.addEventListener('abort', () => {
        this.#setState('cancelled', 'Cancelled');
        outcome = { state: 'cancelled' };
      });
      request.addEventListener('loadend', () => {
        this.#request = null;
        resolve(outcome);
      });
      const data = new FormData();
      if (this.#settings.albumId !== '') {
        data.append('albumId', this.#settings.albumId);
      }
      for (const file of this.#group.files) {
        data.append('file', file, file.name);
      }
      this.#setState('uploading', '');
      this.#showProgress(0);
      request.send(data);
    });
  }

  #showProgress(value: number): void {
    this.#progress.value = value;
    this.#percent.textContent = `${value}%`;
    if (value === 100 && this.#state === 'uploading') {
      this.#message.textContent = 'Saving…'; // sent; the server is storing it
    }
  }

  #done(media: UploadedMedia | null): void {
    this.#showProgress(100);
    if (media === null) {
      this.#setState('done', 'Uploaded');
      return;
    }
    this.item.dataset['mediaId'] = media.id;
    const link = document.createElement('a');
    link.href = mediaPage(media.id);
    link.className = 'text-indigo-700 underline dark:text-indigo-300';
    link.textContent = this.#name.textContent;
    link.dataset['uploadName'] = '';
    this.#name.replaceChildren(link);
    delete this.#name.dataset['uploadName'];
    this.#setState('done', uploadedText(media));
  }

  #fail(status: number, body: unknown): void {
    const { title, detail } = uploadProblem(status, body);
    this.#setState('error', '');
    const strong = document.createElement('strong');
    strong.textContent = title;
    this.#message.append(strong);
    if (detail !== '') {
      this.#message.append(` ${detail}`);
    }
  }
}

async function readGltf(file: File): Promise<unknown> {
  try {
    return JSON.parse(await file.text()) as unknown;
  } catch {
    return null;
  }
}

/** The files of a drop, without folders (which cannot be uploaded as they are). */
function droppedFiles(transfer: DataTransfer): { files: File[]; folders: string[] } {
  const files: File[] = [];
  const folders: string[] = [];
  const items = Array.from(transfer.items ?? []).filter((item) => item.kind === 'file');
  if (items.length === 0) {
    return { files: Array.from(transfer.files), folders };
  }
  for (const item of items) {
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry?.isDirectory === true) {
      folders.push(entry.name);
      continue;
    }
    const file = item.getAsFile();
    if (file !== null) {
      files.push(file);
    }
  }
  return { files, folders };
}

export function mount(form: HTMLFormElement): void {
  if (form.dataset['uploaderReady'] !== undefined) {
    return;
  }
  const list = form.querySelector<HTMLElement>('[data-upload-list]');
  const zone = form.querySelector<HTMLElement>('[data-drop-zone]');
  const picker = form.querySelector<HTMLInputElement>('input[type="file"]');
  if (list === null) {
    return;
  }
  form.dataset['uploaderReady'] = '';
  const settings = {
    url: form.dataset['uploadUrl'] || '?handler=Upload',
    token: form.querySelector<HTMLInputElement>('input[name="__RequestVerificationToken"]')?.value ?? '',
    albumId: form.dataset['albumId'] ?? '',
  };
  let batch = { uploaded: [] as UploadedMedia[], failed: 0, cancelled: 0 };
  const queue = createQueue(CONCURRENCY, () => {
    const detail = batch;
    batch = { uploaded: [], failed: 0, cancelled: 0 };
    form.dispatchEvent(new CustomEvent('media-uploaded', { bubbles: true, detail }));
  });

  const addFiles = async (files: File[]): Promise<void> => {
    if (files.length === 0) {
      return;
    }
    const references = new Map<File, string[]>();
    for (const file of files) {
      if (isGltf(file.name)) {
        references.set(file, gltfReferences(await readGltf(file)));
      }
    }
    for (const group of groupUploads(files, references)) {
      const upload = new Upload(group, settings);
      list.append(upload.item);
      queue.add(async () => {
        const outcome = await upload.run();
        if (outcome.uploaded !== undefined) {
          batch.uploaded.push(outcome.uploaded);
        } else if (outcome.state === 'error') {
          batch.failed++;
        } else if (outcome.state === 'cancelled') {
          batch.cancelled++;
        }
      });
    }
  };
  const refuseFolders = (folders: string[]): void => {
    for (const name of folders) {
      const item = el('li', 'rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-700');
      item.dataset['state'] = 'error';
      const message = el('p', 'text-red-700 dark:text-red-300', `${name}: a folder cannot be uploaded. Open it and drop the files inside.`);
      message.dataset['uploadMessage'] = '';
      item.append(message);
      list.append(item);
    }
  };

  picker?.addEventListener('change', () => {
    const files = Array.from(picker.files ?? []);
    picker.value = ''; // choosing the same file again uploads it again
    void addFiles(files);
  });

  // The picker is hidden inside a label, which a keyboard cannot reach: make the label a button.
  const label = picker?.closest('label');
  if (picker !== null && label !== null && label !== undefined && zone?.contains(label) === true) {
    label.tabIndex = 0;
    label.setAttribute('role', 'button');
    label.classList.add('cursor-pointer', 'underline');
    label.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        picker.click();
      }
    });
  }

  const hasFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') === true;
  if (zone !== null) {
    const highlight = (on: boolean): void => {
      zone.toggleAttribute('data-dragging', on);
      for (const name of DRAGGING) {
        zone.classList.toggle(name, on);
      }
    };
    zone.addEventListener('dragover', (event) => {
      if (hasFiles(event)) {
        event.preventDefault();
        if (event.dataTransfer !== null) {
          event.dataTransfer.dropEffect = 'copy';
        }
        highlight(true);
      }
    });
    zone.addEventListener('dragleave', (event) => {
      if (!(event.relatedTarget instanceof Node && zone.contains(event.relatedTarget))) {
        highlight(false);
      }
    });
    zone.addEventListener('drop', (event) => {
      highlight(false);
      if (event.dataTransfer === null || !hasFiles(event)) {
        return;
      }
      event.preventDefault();
      const { files, folders } = droppedFiles(event.dataTransfer);
      refuseFolders(folders);
      void addFiles(files);
    });
  }
  // A drop beside the zone would make the browser leave the page to show the file: ignore it instead.
  for (const type of ['dragover', 'drop'] as const) {
    document.addEventListener(type, (event) => {
      if (hasFiles(event) && !(zone !== null && event.target instanceof Node && zone.contains(event.target))) {
        event.preventDefault();
      }
    });
  }
  document.addEventListener('paste', (event) => {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length > 0) {
      event.preventDefault();
      void addFiles(files);
    }
  });
}

if (typeof document !== 'undefined') {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-media-upload]')) {
    mount(form);
  }
}
