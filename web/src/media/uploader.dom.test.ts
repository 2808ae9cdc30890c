// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from './uploader.ts';

/** Stands in for XMLHttpRequest: records what was sent and answers when the test says so. */
class FakeRequest extends EventTarget {
  static sent: FakeRequest[] = [];
  readonly upload = new EventTarget();
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  response: unknown = null;
  responseType = '';

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  send(body: FormData): void {
    this.body = body;
    FakeRequest.sent.push(this);
  }
  abort(): void {
    this.dispatchEvent(new Event('abort'));
    this.dispatchEvent(new Event('loadend'));
  }
  progress(loaded: number, total: number): void {
    this.upload.dispatchEvent(Object.assign(new Event('progress'), { lengthComputable: true, loaded, total }));
  }
  respond(status: number, body: unknown): void {
    this.status = status;
    this.response = body;
    this.dispatchEvent(new Event('load'));
    this.dispatchEvent(new Event('loadend'));
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function page(albumId = ''): { form: HTMLFormElement; list: HTMLElement; pick(files: File[]): void } {
  document.body.innerHTML = `
    <form data-media-upload data-upload-url="/admin/media?handler=Upload" ${albumId === '' ? '' : `data-album-id="${albumId}"`}>
      <input type="hidden" name="__RequestVerificationToken" value="token-1">
      <div data-drop-zone>Drop files here or <label>choose<input type="file" multiple hidden></label></div>
      <ol data-upload-list></ol>
    </form>`;
  const form = document.querySelector('form') as HTMLFormElement;
  mount(form);
  const input = form.querySelector('input[type="file"]') as HTMLInputElement;
  return {
    form,
    list: form.querySelector('[data-upload-list]') as HTMLElement,
    pick(files) {
      Object.defineProperty(input, 'files', { value: files, configurable: true });
      input.dispatchEvent(new Event('change'));
    },
  };
}

const items = (list: HTMLElement): HTMLElement[] => Array.from(list.querySelectorAll<HTMLElement>(':scope > li'));
const states = (list: HTMLElement): string[] => items(list).map((li) => li.dataset['state'] ?? '');

beforeEach(() => {
  FakeRequest.sent = [];
  vi.stubGlobal('XMLHttpRequest', FakeRequest);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('media uploader', () => {
  it('uploads each file with the token and album, 3 at a time, and reports the outcome', async () => {
    const { form, list, pick } = page('album-7');
    const done = vi.fn();
    form.addEventListener('media-uploaded', (event) => done((event as CustomEvent).detail));
    pick(['a.jpg', 'b.mp3', 'c.glb', 'd.png'].map((name) => new File(['x'.repeat(2048)], name)));

    expect(states(list)).toEqual(['uploading', 'uploading', 'uploading', 'queued']);
    const [first, second, third] = FakeRequest.sent;
    expect(FakeRequest.sent).toHaveLength(3);
    expect(first?.method).toBe('POST');
    expect(first?.url).toBe('/admin/media?handler=Upload');
    expect(first?.headers['RequestVerificationToken']).toBe('token-1');
    expect(first?.body?.get('albumId')).toBe('album-7');
    expect((first?.body?.getAll('file')[0] as File).name).toBe('a.jpg');
    expect(items(list)[0]?.textContent).toContain('2 KB');

    first?.progress(512, 2048);
    const progress = items(list)[0]?.querySelector('progress');
    expect(progress?.value).toBe(25);
    expect(items(list)[0]?.querySelector('[data-upload-percent]')?.textContent).toBe('25%');

    first?.respond(201, { id: 'm1', fileName: 'a.jpg', kind: 'image', status: 'processing', url: '/media/m1/a.jpg' });
    await flush();
    expect(states(list)).toEqual(['done', 'uploading', 'uploading', 'uploading']);
    expect(items(list)[0]?.querySelector('[data-upload-message]')?.textContent).toBe('Uploaded — processing');
    expect(items(list)[0]?.querySelector('a')?.getAttribute('href')).toBe('/admin/media/m1');
    expect(FakeRequest.sent).toHaveLength(4);

    second?.respond(413, { title: 'The file is too large', detail: 'Files may be up to 1 GB.' });
    third?.respond(415, null);
    FakeRequest.sent[3]?.respond(201, { id: 'm4', fileName: 'd.png', kind: 'image', status: 'ready', url: '' });
    await flush();
    expect(states(list)).toEqual(['done', 'error', 'error', 'done']);
    expect(items(list)[1]?.querySelector('[data-upload-message]')?.textContent).toBe('The file is too large Files may be up to 1 GB.');
    expect(items(list)[2]?.querySelector('[data-upload-message]')?.textContent).toBe('This file type is not supported');
    expect(items(list)[3]?.querySelector('[data-upload-message]')?.textContent).toBe('Uploaded');
    expect(done).toHaveBeenCalledTimes(1);
    expect(done.mock.calls[0]?.[0]).toMatchObject({ failed: 2, cancelled: 0, uploaded: [{ id: 'm1' }, { id: 'm4' }] });
  });

  it('cancels a running upload and a waiting one', async () => {
    const { list, pick } = page();
    pick(['1.jpg', '2.jpg', '3.jpg', '4.jpg'].map((name) => new File(['x'], name)));
    const cancel = (i: number): void => items(list)[i]?.querySelector<HTMLButtonElement>('[data-upload-cancel]')?.click();
    cancel(3); // waiting
    cancel(0); // running
    await flush();
    expect(states(list)).toEqual(['cancelled', 'uploading', 'uploading', 'cancelled']);
    expect(items(list)[0]?.querySelector('[data-upload-message]')?.textContent).toBe('Cancelled');
    expect(FakeRequest.sent).toHaveLength(3); // the cancelled waiting one never went
    expect(items(list)[0]?.querySelector<HTMLButtonElement>('[data-upload-cancel]')?.hidden).toBe(true);
  });

  it('sends a .gltf and the files it names as one request, the .gltf first', async () => {
    const { list, pick } = page();
    const gltf = new File([JSON.stringify({ buffers: [{ uri: 'scene.bin' }], images: [{ uri: 'wood.png' }] })], 'scene.gltf');
    pick([new File(['b'], 'scene.bin'), new File(['p'], 'wood.png'), gltf, new File(['j'], 'other.jpg')]);
    await flush();
    expect(items(list)).toHaveLength(2);
    expect(FakeRequest.sent).toHaveLength(2);
    const parts = FakeRequest.sent.map((r) => (r.body?.getAll('file') as File[]).map((f) => f.name));
    expect(parts).toEqual([['scene.gltf', 'scene.bin', 'wood.png'], ['other.jpg']]);
    expect(items(list)[0]?.textContent).toContain('with scene.bin, wood.png');
  });

  it('says when the server cannot be reached', async () => {
    const { list, pick } = page();
    pick([new File(['x'], 'a.jpg')]);
    FakeRequest.sent[0]?.dispatchEvent(new Event('error'));
    FakeRequest.sent[0]?.dispatchEvent(new Event('loadend'));
    await flush();
    expect(states(list)).toEqual(['error']);
    expect(items(list)[0]?.querySelector('[data-upload-message]')?.textContent).toContain('The server could not be reached');
  });
});
