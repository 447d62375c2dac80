/** A minimal text/event-stream reader over fetch, enough to follow one receipt's events in a test. */

export interface SseMessage {
  event?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** Everything read so far, in order. */
  seen: SseMessage[];
  /** Reads until a message satisfying `match` arrives, and returns it. */
  next(match: (m: SseMessage) => boolean): Promise<SseMessage>;
  /** The next event named `name`, its data parsed as JSON. */
  nextEvent<T = Record<string, unknown>>(name: string): Promise<T>;
  close(): void;
}

function parse(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') message.event = value;
    else if (field === 'data')
      message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    else if (field === 'retry') message.retry = Number(value);
  }
  return message;
}

export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const seen: SseMessage[] = [];
  if (!res.ok || !res.body) {
    return {
      status: res.status,
      headers: res.headers,
      seen,
      next: () => Promise.reject(new Error(`no stream: HTTP ${res.status}`)),
      nextEvent: () => Promise.reject(new Error(`no stream: HTTP ${res.status}`)),
      close: () => controller.abort(),
    };
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let cursor = 0;
  const next = async (match: (m: SseMessage) => boolean): Promise<SseMessage> => {
    for (;;) {
      while (cursor < seen.length) {
        const m = seen[cursor++]!;
        if (match(m)) return m;
      }
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        seen.push(parse(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended; seen: ${JSON.stringify(seen)}`);
      buffer += value;
    }
  };
  return {
    status: res.status,
    headers: res.headers,
    seen,
    next,
    async nextEvent<T>(name: string) {
      const m = await next((x) => x.event === name);
      return JSON.parse(m.data ?? 'null') as T;
    },
    close: () => controller.abort(),
  };
}
