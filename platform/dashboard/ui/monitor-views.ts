import { css, html, LitElement, nothing, svg } from 'lit';
import { dash, when } from './api.ts';
import { shared } from './styles.ts';
// Types only (erased in the browser): the shapes the dashboard API answers with, from the modules that make them.
import type { RequestLogEntry as LogEntry } from '../../http/request-log.ts';
import type { MonitorFlag as Flag } from '../monitor.ts';

interface Usage {
  dimension: string;
  total: number;
  errorRate: number;
  denialRate: number;
  series: { name: string; count: number }[];
  minutes: { minute: string; total: number; errors: number; denials: number; series: Record<string, number> }[];
  flags: Flag[];
  settings: { spikeMultiple: number; spikeMinRequests: number; baselineMinutes: number };
}

/** Series colours: the accent first, then fixed hues that read on light and dark backgrounds. */
const COLOURS = ['var(--_accent)', '#e07b00', '#2e9d5b', '#a040c0', '#c0392b', '#5a7fa0', '#888'];
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** Polls while connected (the live views), every `ms`. */
abstract class Polling extends LitElement {
  private timer: ReturnType<typeof setInterval> | undefined;
  protected abstract poll(): Promise<void>;
  protected interval = 2000;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.interval);
  }

  override disconnectedCallback(): void {
    clearInterval(this.timer);
    super.disconnectedCallback();
  }
}

export class WlUsageView extends Polling {
  static override properties = { usage: { state: true }, dimension: { state: true }, error: { state: true } };
  static override styles = [
    shared,
    css`
      svg {
        width: 100%;
        height: 12rem;
        display: block;
      }
      .axis {
        display: flex;
        justify-content: space-between;
        font-size: 0.8rem;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space);
        font-size: 0.85rem;
      }
      .swatch {
        display: inline-block;
        width: 0.8rem;
        height: 0.8rem;
        border-radius: 2px;
        vertical-align: middle;
        margin-right: 0.25rem;
      }
      .swatch svg {
        width: 0.8rem;
        height: 0.8rem;
        display: inline;
      }
      .rates {
        display: flex;
        flex-wrap: wrap;
        gap: calc(var(--_space) * 3);
      }
      .rates strong {
        font-size: 1.4rem;
        display: block;
      }
    `,
  ];
  declare usage: Usage | undefined;
  declare dimension: string;
  declare error: string;

  constructor() {
    super();
    this.dimension = 'kind';
    this.error = '';
  }

  protected async poll(): Promise<void> {
    try {
      this.usage = await dash<Usage>(`/usage?dimension=${encodeURIComponent(this.dimension)}`);
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private chart(usage: Usage) {
    const W = 600;
    const H = 160;
    const names = [...new Set(usage.minutes.flatMap((m) => Object.keys(m.series)))];
    const max = Math.max(1, ...usage.minutes.map((m) => Object.values(m.series).reduce((s, n) => s + n, 0)));
    const bar = W / usage.minutes.length;
    const colour = (name: string) => COLOURS[Math.min(names.indexOf(name), COLOURS.length - 1)]!;
    return html`<p class="muted axis"><span>${max} requests/min</span></p>
      <svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="Requests per minute over the last hour, by ${usage.dimension}">
        ${svg`<line x1="0" y1=${H} x2=${W} y2=${H} stroke="currentColor" stroke-opacity="0.3"></line>`}
        ${usage.minutes.map((m, i) => {
          let y = H;
          return names.map((name) => {
            const n = Object.hasOwn(m.series, name) ? m.series[name]! : 0;
            if (!n) return nothing;
            const h = (n / max) * (H - 4);
            y -= h;
            return svg`<rect x=${i * bar + 1} y=${y} width=${Math.max(1, bar - 2)} height=${h} fill=${colour(name)}><title>${m.minute.slice(11, 16)} ${name}: ${n}</title></rect>`;
          });
        })}
      </svg>
      <p class="muted axis"><span>60 min ago</span><span>now</span></p>
      <div class="legend">
        ${names.map(
          (name) =>
            html`<span
              ><span class="swatch"><svg viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill=${colour(name)}></rect></svg></span>${name}</span
            >`,
        )}
      </div>`;
  }

  override render() {
    const u = this.usage;
    return html`<h2>Usage monitor</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row">
        <label
          >By
          <select
            @change=${(e: Event) => {
              this.dimension = (e.target as HTMLSelectElement).value;
              void this.poll();
            }}
          >
            <option value="kind">caller kind</option>
            <option value="key">API key</option>
            <option value="app">app</option>
            <option value="route">route</option>
          </select>
        </label>
      </div>
      ${
        u
          ? html`<section class="card" aria-label="Rates over the last hour">
              <div class="rates">
                <span><strong>${u.total}</strong>requests</span>
                <span><strong>${pct(u.errorRate)}</strong>errors</span>
                <span><strong>${pct(u.denialRate)}</strong>denials (401/403/429)</span>
              </div>
            </section>
            <section class="card">${this.chart(u)}</section>
            <h3>Flags</h3>
            <p class="muted">
              A spike is a caller at ≥ ${u.settings.spikeMultiple}× its average of the previous ${u.settings.baselineMinutes} minutes (and ≥
              ${u.settings.spikeMinRequests} in the minute); a new caller is an API key used from a client it had not been used from.
            </p>
            ${
              u.flags.length === 0
                ? html`<p class="muted">Nothing flagged in the last hour.</p>`
                : html`<ul class="flags">
                  ${[...u.flags]
                    .reverse()
                    .map(
                      (f) =>
                        html`<li data-flag=${f.kind}><span class="badge flag">${f.kind}</span> ${when(f.time)} <span class="mono">${f.callerKind} ${f.callerId}</span>: ${f.detail}</li>`,
                    )}
                </ul>`
            }
            <h3>Top ${u.dimension === 'kind' ? 'caller kinds' : u.dimension === 'key' ? 'API keys' : u.dimension === 'app' ? 'apps' : 'routes'} this hour</h3>
            <div class="scroll card" tabindex="0">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Requests</th>
                  </tr>
                </thead>
                <tbody>
                  ${u.series.map(
                    (s) =>
                      html`<tr>
                        <td class="mono wrap">${s.name}</td>
                        <td>${s.count}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p class="muted" role="status">Loading…</p>`
      }`;
  }
}

/** The live request log: newest first, polled every 2 s, filtered on the server (role, status, path, flagged). */
export class WlRequestsView extends Polling {
  static override properties = { entries: { state: true }, error: { state: true }, filters: { state: true } };
  static override styles = [shared];
  declare entries: LogEntry[];
  declare error: string;
  declare filters: { role: string; status: string; path: string; flagged: boolean };

  constructor() {
    super();
    this.entries = [];
    this.error = '';
    this.filters = { role: '', status: '', path: '', flagged: false };
  }

  protected async poll(): Promise<void> {
    const q = new URLSearchParams();
    if (this.filters.role) q.set('role', this.filters.role);
    if (this.filters.status) q.set('status', this.filters.status);
    if (this.filters.path) q.set('path', this.filters.path);
    if (this.filters.flagged) q.set('flagged', 'true');
    try {
      const { requests } = await dash<{ requests: LogEntry[] }>(`/requests?${q}`);
      this.entries = requests.slice(-200).reverse();
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private change(event: Event): void {
    const form = (event.target as HTMLElement).closest('form')!;
    const data = new FormData(form);
    this.filters = {
      role: String(data.get('role') ?? ''),
      status: String(data.get('status') ?? ''),
      path: String(data.get('path') ?? ''),
      flagged: data.get('flagged') === 'on',
    };
    void this.poll();
  }

  override render() {
    return html`<h2>Request log</h2>
      <form class="row card" aria-label="Filter the request log" @change=${(e: Event) => this.change(e)} @submit=${(e: Event) => e.preventDefault()}>
        <label
          >Caller
          <select name="role">
            <option value="">any</option>
            ${['visitor', 'member', 'owner', 'apiKey', 'app', 'none'].map((r) => html`<option>${r}</option>`)}
          </select>
        </label>
        <label
          >Status
          <select name="status">
            <option value="">any</option>
            <option value="ok">2xx–3xx</option>
            <option value="error">4xx–5xx</option>
            <option>401</option>
            <option>403</option>
            <option>429</option>
            <option>500</option>
          </select>
        </label>
        <label>Path contains <input name="path" autocomplete="off" @input=${(e: Event) => this.change(e)} /></label>
        <label class="inline"><input type="checkbox" name="flagged" /> Flagged only</label>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="muted" role="status">${this.entries.length} requests shown (live)</p>
      <div class="scroll card" tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Caller</th>
              <th scope="col">ms</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            ${this.entries.map(
              (e) =>
                html`<tr data-seq=${e.seq}>
                  <td>${e.time.slice(11, 19)}</td>
                  <td class="mono wrap">${e.method} ${e.path}</td>
                  <td>${e.status}</td>
                  <td class="wrap">${e.role}${e.callerId ? html`<br /><span class="mono muted">${e.callerId}</span>` : nothing}</td>
                  <td>${e.durationMs}</td>
                  <td class="wrap">
                    ${(e.flags ?? []).map((f) => html`<span class="badge flag">${f}</span> `)} ${e.fault ? html`<span class="badge">fault: ${e.fault}</span>` : nothing}
                    ${(e.warnings ?? []).map((w) => html`<span class="muted">${w}</span> `)}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}

interface Fault {
  id: string;
  method?: string;
  path?: string;
  status?: number;
  latencyMs?: number;
  malformedBody?: boolean;
  times?: number;
  hits: number;
}

export class WlFaultsView extends Polling {
  static override properties = { faults: { state: true }, error: { state: true } };
  static override styles = [shared];
  declare faults: Fault[];
  declare error: string;

  constructor() {
    super();
    this.faults = [];
    this.error = '';
  }

  protected async poll(): Promise<void> {
    try {
      this.faults = (await dash<{ faults: Fault[] }>('/faults')).faults;
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async clear(): Promise<void> {
    try {
      await dash('/faults', { method: 'DELETE' });
      await this.poll();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  override render() {
    return html`<h2>Faults</h2>
      <p class="muted">Faults are injected with the control routes (<code>POST /_platform/faults</code>) or the test kit; here you see them work.</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="scroll card" tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Path</th>
              <th scope="col">Effect</th>
              <th scope="col">Hits</th>
              <th scope="col">Times</th>
            </tr>
          </thead>
          <tbody>
            ${
              this.faults.length === 0
                ? html`<tr>
                  <td colspan="5" class="muted">No active faults.</td>
                </tr>`
                : this.faults.map(
                    (f) =>
                      html`<tr data-fault=${f.id}>
                      <td>${f.method ?? 'any'}</td>
                      <td class="mono wrap">${f.path ?? 'any'}</td>
                      <td>
                        ${[f.status ? `status ${f.status}` : '', f.latencyMs ? `+${f.latencyMs} ms` : '', f.malformedBody ? 'malformed body' : ''].filter(Boolean).join(', ')}
                      </td>
                      <td>${f.hits}</td>
                      <td>${f.times ?? '∞'}</td>
                    </tr>`,
                  )
            }
          </tbody>
        </table>
      </div>
      <button class="danger" ?disabled=${this.faults.length === 0} @click=${() => this.clear()}>Clear all faults</button>`;
  }
}

customElements.define('wl-usage-view', WlUsageView);
customElements.define('wl-requests-view', WlRequestsView);
customElements.define('wl-faults-view', WlFaultsView);
