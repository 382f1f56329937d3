// The run viewer: plain ES modules, no build step, talking to nothing but the Runstream that served it, through the
// same API any client uses (GET /v1/runs, GET /v1/run-summaries/stream, GET /v1/runs/{id}, GET /v1/runs/{id}/stream).

const TOKEN_KEY = 'runstream.viewer.token';
const TERMINAL = new Set(['success', 'failed', 'canceled']);
const STATUSES = ['running', 'success', 'failed', 'canceled', 'suspended', 'abandoned', 'waiting', 'paused',
  'pending'];
const PAGE = 50;
/**
 * Chunks after which Runstream ends a run's stream (RunTermination: a run's end, or a leg's, suspended or waiting for
 * approval), and `error`, after which it ends the stream when nothing follows within live.error.grace.ms.
 */
const ENDS_STREAM = new Set(['finish', 'tripwire', 'tool-call-approval', 'tool-call-suspended', 'workflow-finish',
  'error']);
const app = document.getElementById('app');
const connection = document.getElementById('connection');

class AuthNeeded extends Error {}

/** The token of this tab, entered once; kept in sessionStorage, sent in a header, never in a URL. */
const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set(token) { sessionStorage.setItem(TOKEN_KEY, token); },
  clear() { sessionStorage.removeItem(TOKEN_KEY); },
  headers(extra = {}) { return this.token ? { ...extra, Authorization: `Bearer ${this.token}` } : extra; },
};

async function api(path) {
  const response = await fetch(path, { headers: auth.headers({ Accept: 'application/json' }), cache: 'no-store' });
  if (response.status === 401) {
    throw new AuthNeeded(await response.text());
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(`${path}: HTTP ${response.status} ${body.message ?? ''}`);
  }
  return response.json();
}

/**
 * Reads an SSE response block by block (fetch, not EventSource: the token goes in a header). Yields
 * `{ event, data, id }`; returns when the server ends the stream, throws when the connection breaks.
 */
async function* sse(path, { signal, lastEventId } = {}) {
  const headers = auth.headers({ Accept: 'text/event-stream' });
  if (lastEventId != null) {
    headers['Last-Event-ID'] = String(lastEventId);
  }
  const response = await fetch(path, { headers, signal, cache: 'no-store' });
  if (response.status === 401) {
    throw new AuthNeeded(await response.text());
  }
  if (!response.ok) {
    throw new Error(`${path}: HTTP ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  yield { event: 'open', id: null, data: null };
  let buffer = '';
  while (true) {
    const { done, value } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = null;
      let id = null;
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('data:')) data.push(line.slice(5));
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
      }
      if (event !== null || id !== null || data.length > 0) {
        yield { event, id, data: data.length ? data.join('\n') : null };
      }
    }
  }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child != null));
  return node;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const fmtInt = (n) => (n == null ? '' : Number(n).toLocaleString('en-US'));
const ms = (iso) => (iso ? Date.parse(iso) : NaN);

function duration(summary) {
  const start = ms(summary.firstChunkAt);
  if (Number.isNaN(start)) return '';
  const end = ms(summary.finishedAt) || (summary.status === 'running' ? Date.now() : ms(summary.lastChunkAt));
  const seconds = Math.max(0, (end - start) / 1000);
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function ago(iso) {
  const at = ms(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.round((Date.now() - at) / 1000);
  if (seconds < 60) return `${Math.max(0, seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return new Date(at).toLocaleString();
}

function setConnection(state, text = state) {
  connection.dataset.state = state;
  connection.textContent = text;
}

function showTokenForm(message) {
  const form = document.getElementById('token-form').content.firstElementChild.cloneNode(true);
  if (message) {
    const error = form.querySelector('.error');
    error.hidden = false;
    error.textContent = message;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    auth.set(form.elements.token.value.trim());
    route();
  });
  app.replaceChildren(form);
  setConnection('signed-out', 'token needed');
}

// ---------------------------------------------------------------------------------------------------------------
// Runs page
// ---------------------------------------------------------------------------------------------------------------

class RunsPage {
  constructor() {
    const params = new URLSearchParams(location.search);
    this.status = params.get('status') ?? '';
    this.query = params.get('q') ?? '';
    this.rows = new Map();
    this.next = null;
    this.hour = new Map();
    this.live = new AbortController();
  }

  async show() {
    const status = el('select', { id: 'status-filter', 'aria-label': 'status' },
      el('option', { value: '', text: 'every status' }),
      ...STATUSES.map((name) => el('option', { value: name, text: name })));
    status.value = this.status;
    const search = el('input', { id: 'search', type: 'search', placeholder: 'run id contains…', value: this.query });
    status.addEventListener('change', () => this.refilter(status.value, search.value));
    let typing;
    search.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.refilter(status.value, search.value), 250);
    });
    this.body = el('tbody', { id: 'runs' });
    this.more = el('button', { id: 'more', type: 'button', text: 'More runs', hidden: true });
    this.more.addEventListener('click', () => this.load(true));
    this.tokensChart = el('div', { id: 'tokens-chart' });
    this.statusChart = el('div', { id: 'status-chart' });
    app.replaceChildren(
      el('div', { class: 'charts' },
        el('section', { class: 'chart' }, el('h2', { text: 'Tokens per minute, last hour' }), this.tokensChart),
        el('section', { class: 'chart' }, el('h2', { text: 'Runs by status, last hour' }), this.statusChart)),
      el('div', { class: 'toolbar' }, el('h1', { text: 'Runs' }), status, search,
        el('span', { id: 'count', class: 'muted' })),
      el('table', {},
        el('thead', {}, el('tr', {}, ...['run', 'status', 'kind', 'name', 'tokens in', 'tokens out', 'steps',
          'tool calls', 'duration', 'last activity'].map((name, i) => el('th', { class: i >= 4 && i <= 7 ? 'num' : null,
          text: name })))),
        this.body),
      this.more);
    await Promise.all([this.load(false), this.loadHour()]);
    this.follow();
    this.ticker = setInterval(() => { this.renderRows(); this.renderCharts(); }, 5000);
  }

  close() {
    this.live.abort();
    clearInterval(this.ticker);
  }

  refilter(status, query) {
    this.status = status;
    this.query = query.trim();
    const params = new URLSearchParams();
    if (this.status) params.set('status', this.status);
    if (this.query) params.set('q', this.query);
    history.replaceState(null, '', params.size ? `/?${params}` : '/');
    this.rows.clear();
    this.next = null;
    this.load(false);
  }

  listPath(after) {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (this.status) params.set('status', this.status);
    if (this.query) params.set('q', this.query);
    if (after) params.set('after', after);
    return `/v1/runs?${params}`;
  }

  async load(more) {
    const page = await api(this.listPath(more ? this.next : null));
    for (const run of page.runs) this.rows.set(run.runId, run);
    this.next = page.next;
    this.renderRows();
  }

  async loadHour() {
    const page = await api('/v1/runs?limit=10000');
    const since = Date.now() - 3_600_000;
    for (const run of page.runs) {
      if (ms(run.lastChunkAt) >= since) this.hour.set(run.runId, run);
    }
    this.renderCharts();
  }

  matches(run) {
    return (!this.status || run.status === this.status) && (!this.query || run.runId.includes(this.query));
  }

  /** The live feed of summary changes; on a break, the list is read again and the feed followed anew. */
  async follow() {
    let delay = 500;
    while (!this.live.signal.aborted) {
      try {
        const events = sse('/v1/run-summaries/stream', { signal: this.live.signal });
        let first = true;
        for await (const event of events) {
          if (first) {
            setConnection('live');
            first = false;
            delay = 500;
          }
          if (event.event === 'open') continue;
          if (event.event === 'summary') this.changed(JSON.parse(event.data));
          else if (event.event === 'erased') this.erased(JSON.parse(event.data).runId);
          else if (event.event === 'error') throw new Error(event.data);
        }
      } catch (error) {
        if (this.live.signal.aborted) return;
        if (error instanceof AuthNeeded) return showTokenForm('The token was refused.');
      }
      setConnection('reconnecting');
      await sleep(delay);
      delay = Math.min(delay * 2, 10_000);
      try {
        this.rows.clear();
        await this.load(false);
      } catch {
        // the next round tries again
      }
    }
  }

  changed(run) {
    this.hour.set(run.runId, run);
    const shown = this.rows.has(run.runId);
    if (this.matches(run)) {
      const oldest = [...this.rows.values()].at(-1);
      if (shown || !this.next || !oldest || ms(run.lastChunkAt) >= ms(oldest.lastChunkAt)) {
        this.rows.set(run.runId, run);
        this.flash = run.runId;
      }
    } else if (shown) {
      this.rows.delete(run.runId);
    }
    this.scheduleRender();
  }

  erased(runId) {
    this.rows.delete(runId);
    this.hour.delete(runId);
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = null;
      this.renderRows();
      this.renderCharts();
    });
  }

  renderRows() {
    const runs = [...this.rows.values()].sort((a, b) => (ms(b.lastChunkAt) || 0) - (ms(a.lastChunkAt) || 0)
      || a.runId.localeCompare(b.runId));
    this.body.replaceChildren(...runs.map((run) => {
      const row = el('tr', { 'data-run-id': run.runId, 'data-status': run.status,
        class: run.runId === this.flash ? 'flash' : null },
        el('td', {}, el('a', { href: `/runs/${encodeURIComponent(run.runId)}`, text: run.runId })),
        el('td', { class: `status status-${run.status}`, text: run.status }),
        el('td', { text: run.kind }),
        el('td', { text: run.name ?? '' }),
        el('td', { class: 'num', text: fmtInt(run.usage?.inputTokens) }),
        el('td', { class: 'num', text: fmtInt(run.usage?.outputTokens) }),
        el('td', { class: 'num', text: fmtInt(run.stepCount) }),
        el('td', { class: 'num', text: fmtInt(run.toolCalls?.length ?? 0) }),
        el('td', { text: duration(run) }),
        el('td', { text: ago(run.lastChunkAt), title: run.lastChunkAt ?? '' }));
      return row;
    }));
    this.flash = null;
    document.getElementById('count').textContent = `${runs.length} shown${this.next ? ', more below' : ''}`;
    this.more.hidden = !this.next;
  }

  renderCharts() {
    const now = Date.now();
    const since = now - 3_600_000;
    const minutes = new Array(60).fill(0);
    const statuses = new Map();
    for (const [runId, run] of this.hour) {
      const at = ms(run.finishedAt) || ms(run.lastChunkAt);
      if (!(at >= since)) {
        this.hour.delete(runId);
        continue;
      }
      const minute = Math.min(59, Math.floor((at - since) / 60_000));
      minutes[minute] += Number(run.usage?.totalTokens ?? 0)
        || Number(run.usage?.inputTokens ?? 0) + Number(run.usage?.outputTokens ?? 0);
      statuses.set(run.status, (statuses.get(run.status) ?? 0) + 1);
    }
    const total = minutes.reduce((sum, value) => sum + value, 0);
    this.tokensChart.replaceChildren(bars(minutes.map((value, i) => ({ value, label: `${60 - i} min ago` })),
      'tokens'), el('div', { class: 'axis' }, el('span', { text: '60 min ago' }),
      el('span', { id: 'tokens-total', text: `${fmtInt(total)} tokens in the hour` }), el('span', { text: 'now' })));
    this.statusChart.replaceChildren(bars([...statuses].sort((a, b) => b[1] - a[1])
      .map(([status, value]) => ({ value, label: status, cls: `status-${status}` })), 'runs', true));
  }
}

/** A bar chart in SVG; each bar's title tells its label and value. */
function bars(points, unit, labelled = false) {
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  const width = 600;
  const height = 120;
  const bottom = labelled ? 18 : 4;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(1, ...points.map((p) => p.value));
  const step = width / Math.max(points.length, 1);
  points.forEach((point, i) => {
    const h = ((height - bottom - 14) * point.value) / max;
    const rect = document.createElementNS(svgNs, 'rect');
    rect.setAttribute('x', String(i * step + 1));
    rect.setAttribute('y', String(height - bottom - h));
    rect.setAttribute('width', String(Math.max(1, step - 2)));
    rect.setAttribute('height', String(h));
    rect.setAttribute('class', `bar ${point.cls ?? ''}`);
    rect.setAttribute('fill', 'currentColor');
    rect.setAttribute('data-value', String(point.value));
    const title = document.createElementNS(svgNs, 'title');
    title.textContent = `${point.label}: ${fmtInt(point.value)} ${unit}`;
    rect.append(title);
    svg.append(rect);
    if (labelled) {
      const text = document.createElementNS(svgNs, 'text');
      text.setAttribute('x', String(i * step + step / 2));
      text.setAttribute('y', String(height - 4));
      text.setAttribute('text-anchor', 'middle');
      text.setAttribute('font-size', '11');
      text.textContent = `${point.label} ${point.value}`;
      svg.append(text);
    }
  });
  const wrap = el('div', { class: 'chart-body', title: `max ${fmtInt(max)} ${unit}` });
  wrap.style.color = 'var(--accent)';
  wrap.append(svg);
  return wrap;
}

// ---------------------------------------------------------------------------------------------------------------
// Run page
// ---------------------------------------------------------------------------------------------------------------

class RunPage {
  constructor(runId) {
    this.runId = runId;
    this.lastSequence = -1;
    this.chunks = 0;
    this.tools = new Map();
    this.workflowSteps = new Map();
    this.connection = null;
    this.closed = false;
    this.connects = 0;
  }

  async show() {
    this.text = el('div', { id: 'run-text', class: 'text' });
    this.reasoning = el('div', { id: 'run-reasoning', class: 'reasoning' });
    this.steps = el('ol', { id: 'steps' });
    this.toolList = el('ul', { id: 'tool-calls', class: 'timeline' });
    this.workflowList = el('ul', { id: 'workflow-steps', class: 'timeline' });
    this.workflowPanel = el('section', { class: 'panel', hidden: true }, el('h2', { text: 'Workflow steps' }),
      this.workflowList);
    this.liveData = el('ul', { id: 'live-data', class: 'timeline' });
    this.raw = el('div', { id: 'raw', class: 'raw' });
    this.summaryPanel = el('dl', { id: 'summary', class: 'summary' });
    this.state = el('span', { id: 'stream-state', class: 'muted' });
    app.replaceChildren(
      el('div', { class: 'toolbar' }, el('a', { href: '/', text: '← runs' }),
        el('h1', { id: 'run-id', text: this.runId }), this.state),
      el('div', { class: 'run-grid' },
        el('div', {},
          el('section', { class: 'panel' }, el('h2', { text: 'Text' }), this.reasoning, this.text),
          el('section', { class: 'panel' }, el('h2', { text: 'Tool calls' }), this.toolList),
          this.workflowPanel,
          el('section', { class: 'panel' }, el('h2', { text: 'Chunks' }), this.raw)),
        el('div', {},
          el('section', { class: 'panel' }, el('h2', { text: 'Summary' }), this.summaryPanel),
          el('section', { class: 'panel' }, el('h2', { text: 'Steps' }), this.steps),
          el('section', { class: 'panel' }, el('h2', { text: 'Data chunks (transient ones only while live)' }),
            this.liveData))));
    await this.refreshSummary();
    this.follow();
  }

  close() {
    this.closed = true;
    this.connection?.abort();
  }

  /** Breaks the connection as a network failure would; the page resumes from the last chunk it has. */
  drop() {
    this.connection?.abort(new Error('dropped'));
  }

  async refreshSummary() {
    try {
      this.summary = await api(`/v1/runs/${encodeURIComponent(this.runId)}`);
    } catch (error) {
      if (error instanceof AuthNeeded) throw error;
      this.summary = null;
    }
    this.renderSummary();
  }

  renderSummary() {
    const s = this.summary;
    if (!s) {
      this.summaryPanel.replaceChildren(el('dd', { class: 'muted', text: 'no summary yet' }));
      return;
    }
    const rows = [['status', el('span', { class: `status status-${s.status}`, text: s.status })], ['kind', s.kind],
      ['name', s.name ?? ''], ['finish reason', s.finishReason ?? ''], ['tokens in', fmtInt(s.usage?.inputTokens)],
      ['tokens out', fmtInt(s.usage?.outputTokens)], ['steps', fmtInt(s.stepCount)],
      ['tool calls', fmtInt(s.toolCalls?.length ?? 0)], ['chunks', fmtInt(s.chunkCount)],
      ['duration', duration(s)], ['started', s.firstChunkAt ?? ''], ['last activity', s.lastChunkAt ?? '']];
    if (s.cancel) rows.push(['canceled by', `${s.cancel.requestedBy}${s.cancel.reason ? `: ${s.cancel.reason}` : ''}`]);
    if (s.error) rows.push(['error', JSON.stringify(s.error)]);
    this.summaryPanel.replaceChildren(...rows.flatMap(([name, value]) => [el('dt', { text: name }),
      typeof value === 'string' ? el('dd', { 'data-field': name, text: value }) : el('dd', { 'data-field': name }, value)]));
    this.summaryPanel.dataset.status = s.status;
  }

  /**
   * Follows the run's SSE (Mastra format: a chunk's `data:` block, then its `id: <sequence>` block); after a break,
   * asks again with `Last-Event-ID` = the last sequence shown, and shows a chunk only once whatever is sent.
   */
  async follow() {
    let delay = 500;
    while (!this.closed) {
      this.connection = new AbortController();
      this.connects += 1;
      let pending = null;
      try {
        this.state.textContent = this.connects === 1 ? 'reading' : 'resuming';
        const events = sse(`/v1/runs/${encodeURIComponent(this.runId)}/stream?format=mastra`, {
          signal: this.connection.signal, lastEventId: this.lastSequence >= 0 ? this.lastSequence : null });
        for await (const event of events) {
          setConnection('live');
          delay = 500;
          if (event.event === 'open') continue;
          if (event.event === 'error') throw new Error(event.data);
          if (event.data !== null && event.event === null) {
            pending = JSON.parse(event.data);
          }
          if (event.id !== null && pending !== null) {
            const sequence = Number(event.id);
            if (sequence > this.lastSequence) {
              this.lastSequence = sequence;
              this.apply(pending, sequence);
            }
            pending = null;
          }
        }
        // The server ends a stream after the chunk that ended the run (or its leg): the page is done once it has
        // that chunk; any other end is a break, resumed from the last chunk shown.
        if (this.endedStream) {
          await this.settleSummary();
          this.state.textContent = 'ended';
          this.state.dataset.ended = 'true';
          return;
        }
      } catch (error) {
        if (this.closed) return;
        if (error instanceof AuthNeeded) return showTokenForm('The token was refused.');
        setConnection('reconnecting');
        this.state.textContent = 'connection lost, resuming';
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 10_000);
    }
  }

  /** The summary catches up with the stream a moment later (the aggregator commits every so often). */
  async settleSummary() {
    for (let i = 0; i < 40 && !this.closed; i++) {
      await this.refreshSummary();
      if (this.summary && this.summary.lastSequence >= this.lastSequence) return;
      await sleep(250);
    }
  }

  apply(chunk, sequence) {
    this.chunks += 1;
    this.endedStream = ENDS_STREAM.has(chunk.type);
    const payload = chunk.payload ?? {};
    this.raw.append(el('div', { 'data-seq': String(sequence), 'data-type': chunk.type },
      el('span', { class: 'seq', text: String(sequence) }),
      el('span', { text: `${chunk.type}${chunk.transient ? ' (transient)' : ''}  ` }),
      el('span', { class: 'muted', text: JSON.stringify(chunk.payload ?? chunk.data ?? {}).slice(0, 240) })));
    switch (chunk.type) {
      case 'text-delta':
        this.text.append(document.createTextNode(payload.text ?? ''));
        break;
      case 'reasoning-delta':
        this.reasoning.append(document.createTextNode(payload.text ?? ''));
        break;
      case 'step-start':
        this.stepText = '';
        break;
      case 'step-finish': {
        const usage = payload.output?.usage ?? {};
        this.steps.append(el('li', { 'data-reason': payload.stepResult?.reason ?? '',
          text: `${payload.stepResult?.reason ?? 'step'} — ${fmtInt(usage.inputTokens)} in, ${fmtInt(usage.outputTokens)} out` }));
        break;
      }
      case 'tool-call':
        this.tool(payload.toolCallId, payload.toolName, 'pending', payload.args, null);
        break;
      case 'tool-result':
        this.tool(payload.toolCallId, payload.toolName, payload.isError ? 'error' : 'ok', payload.args, payload.result);
        break;
      case 'tool-error':
        this.tool(payload.toolCallId, payload.toolName, 'error', payload.args, payload.error);
        break;
      case 'tool-call-approval':
      case 'tool-call-suspended':
        this.tool(payload.toolCallId, payload.toolName, 'pending', payload.args,
          `${chunk.type === 'tool-call-approval' ? 'waiting for approval' : 'suspended'}`);
        break;
      case 'workflow-step-start':
      case 'workflow-step-result':
      case 'workflow-step-suspended':
      case 'workflow-step-waiting':
        this.workflowStep(payload);
        break;
      case 'error':
        this.text.append(el('div', { class: 'error', text: `error: ${JSON.stringify(payload.error ?? payload)}` }));
        break;
      default:
        if (chunk.type?.startsWith('data-')) {
          this.liveData.prepend(el('li', { 'data-type': chunk.type,
            text: `${chunk.type}${chunk.transient ? ' (transient)' : ''}: ${JSON.stringify(chunk.data).slice(0, 300)}` }));
          while (this.liveData.childElementCount > 50) this.liveData.lastElementChild.remove();
        }
    }
  }

  tool(id, name, state, args, outcome) {
    let item = this.tools.get(id);
    if (!item) {
      item = el('li', { 'data-tool-call-id': id });
      this.tools.set(id, item);
      this.toolList.append(item);
    }
    item.className = state;
    item.dataset.toolName = name ?? '';
    item.dataset.state = state;
    const children = [el('strong', { text: name ?? '(tool)' }), el('span', { class: 'muted', text: `  ${id}  ${state}` })];
    if (args !== undefined) children.push(el('pre', { class: 'args', text: `args: ${JSON.stringify(args)}` }));
    if (outcome !== null && outcome !== undefined) {
      children.push(el('pre', { class: 'outcome', text: `${state === 'error' ? 'error' : 'result'}: ${JSON.stringify(outcome)}` }));
    }
    item.replaceChildren(...children);
  }

  workflowStep(payload) {
    const id = payload.id ?? payload.stepName ?? '?';
    let item = this.workflowSteps.get(id);
    if (!item) {
      item = el('li', { 'data-step': id });
      this.workflowSteps.set(id, item);
      this.workflowList.append(item);
    }
    this.workflowPanel.hidden = false;
    const status = payload.status ?? 'running';
    item.className = status === 'success' ? 'ok' : status === 'failed' ? 'error' : 'pending';
    item.dataset.status = status;
    item.replaceChildren(el('strong', { text: id }), el('span', { class: 'muted', text: `  ${status}` }),
      payload.output !== undefined ? el('pre', { text: JSON.stringify(payload.output).slice(0, 500) }) : null);
  }
}

// ---------------------------------------------------------------------------------------------------------------

let page = null;

async function route() {
  page?.close();
  const match = /^\/runs\/([^/]+)$/.exec(location.pathname);
  page = match ? new RunPage(decodeURIComponent(match[1])) : new RunsPage();
  window.runstreamViewer = page;
  document.getElementById('sign-out').hidden = !auth.token;
  try {
    await page.show();
  } catch (error) {
    if (error instanceof AuthNeeded) {
      showTokenForm(auth.token ? 'The token was refused.' : null);
    } else {
      app.replaceChildren(el('p', { class: 'error', text: String(error.message ?? error) }));
    }
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  auth.clear();
  route();
});
route();
