import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { define, WixElement } from '../../elements/core/element.ts';
import { checkPageSize, parseFields, parseFilter, parseSort, readField } from '../../elements/core/grammar.ts';
import { FORMATS, formatCell, formatNamed, prepareFormats } from '../../elements/core/format.ts';
import { idle, LatestTask } from '../../elements/core/latest-task.ts';
import { ActionBridge } from '../../elements/core/action-bridge.ts';
import { Session } from '../../elements/core/session.ts';
import { SessionError } from '../../elements/core/errors.ts';
import { envelopeErrorKind, redact, WIX_API_HOST, WIX_API_HOSTS } from '../../elements/core/shared/index.ts';

const failureOf = async (promise: Promise<unknown>): Promise<SessionError> => {
  try {
    await promise;
  } catch (error) {
    return error as SessionError;
  }
  throw new Error('expected a failure');
};

const tag = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

describe('define(): the guarded registration every define.ts uses', () => {
  it('defining a tag twice, or a tag another class has, does not throw and keeps the first class', () => {
    const name = tag('x-guarded');
    class First extends HTMLElement {}
    class Second extends HTMLElement {}
    define(name, First);
    expect(() => define(name, First)).not.to.throw();
    expect(() => define(name, Second)).not.to.throw();
    expect(customElements.get(name)).to.equal(First);
  });
});

describe('WixElement: the shared session wiring', () => {
  class Probe extends WixElement<{ 'probe-event': { n: number } }> {
    protected readonly bridge = new ActionBridge(this);
    readonly seen: string[] = [];
    protected override onTransport(): void {
      this.seen.push(this.session ? 'session' : 'bridge');
    }
    protected override onUnconnected(state: 'editor' | 'not-connected'): void {
      this.seen.push(state);
    }
    fire(n: number, cancelable?: boolean): boolean {
      return this.emit('probe-event', { n }, cancelable);
    }
  }
  const name = tag('x-probe');
  define(name, Probe);
  const make = () => document.createElement(name) as Probe;

  it('without a token or page code, says not-connected after connect-timeout; a token later still connects', async () => {
    const el = make();
    el.connectTimeout = 20;
    document.body.append(el);
    await new Promise((r) => setTimeout(r, 60));
    expect(el.seen).to.deep.equal(['not-connected']);
    el.accessTokenListener(() => 'OauthNG.JWS.a.b.c');
    expect(el.seen).to.deep.equal(['not-connected', 'session']);
    el.remove();
  });

  it("a session's change event and a second injection reach onTransport; a token wins over the bridge", async () => {
    const el = make();
    document.body.append(el);
    const getter = () => 'OauthNG.JWS.a.b.c';
    el.accessTokenListener(getter);
    el.accessTokenListener(getter);
    el.setAttribute('bridge', 'ready');
    expect(el.seen).to.deep.equal(['session', 'session']);
    el.remove();
  });

  it('bridge="ready" connects (again each time it is set); the timer then finds a transport', async () => {
    const el = make();
    el.connectTimeout = 20;
    document.body.append(el);
    el.setAttribute('bridge', 'ready');
    el.setAttribute('bridge', 'ready');
    await new Promise((r) => setTimeout(r, 60));
    expect(el.seen).to.deep.equal(['bridge', 'bridge']);
    el.remove();
  });

  it('a hostile getter (not a function) is ignored', () => {
    const el = make();
    document.body.append(el);
    el.accessTokenListener('token' as never);
    el.accessTokenListener({ constructor: () => 'x' } as never);
    expect(el.seen).to.deep.equal([]);
    el.remove();
  });

  it('emit() bubbles out of shadow roots and reports a cancelled event', () => {
    const el = make();
    document.body.append(el);
    const got: unknown[] = [];
    document.body.addEventListener('probe-event', (e) => (got.push((e as CustomEvent).detail), e.preventDefault()), { once: true });
    expect(el.fire(1, true)).to.equal(false);
    expect(el.fire(2)).to.equal(true);
    expect(got).to.deep.equal([{ n: 1 }]);
    el.remove();
  });
});

describe('Session.withRenewal: renew once after a rejection', () => {
  it('a rejected token is renewed once and sent once more; a second rejection is returned, never a loop', async () => {
    let n = 0;
    const session = new Session(() => `token-${++n}`);
    const sent: string[] = [];
    const result = await session.withRenewal(
      await session.token(),
      async (token) => (sent.push(token), 401),
      (status) => status === 401,
    );
    expect(result).to.equal(401);
    expect(sent).to.deep.equal(['token-1', 'token-2']);
    expect(session.stats).to.deep.equal({ acquisitions: 2, renewals: 1 });
  });

  it('an accepted token is sent once', async () => {
    const session = new Session(() => 'only');
    const sent: string[] = [];
    expect(
      await session.withRenewal(
        'only',
        async (token) => (sent.push(token), 200),
        (s) => s === 401,
      ),
    ).to.equal(200);
    expect(sent).to.deep.equal(['only']);
  });
});

describe('pending replies (both bridges)', () => {
  it('an oversize reply fails its request, matched by the id at its start', async () => {
    const target = new EventTarget();
    const bridge = new ActionBridge(target, { maxReplySize: 100 });
    let id = '';
    target.addEventListener('wix-bridge-request', (e) => (id = (e as CustomEvent).detail.id));
    const pending = bridge.call('a');
    bridge.receive(JSON.stringify({ id, ok: true, data: { ok: true, data: 'x'.repeat(200) } }));
    expect((await failureOf(pending)).message).to.equal('The page answered with a malformed reply.');
  });

  it('a failure kind that only Object.prototype knows ("constructor", "__proto__") is a malformed reply', async () => {
    for (const kind of ['constructor', '__proto__', 'toString']) {
      const target = new EventTarget();
      const bridge = new ActionBridge(target);
      let id = '';
      target.addEventListener('wix-bridge-request', (e) => (id = (e as CustomEvent).detail.id));
      const pending = bridge.call('a');
      bridge.receive(JSON.stringify({ id, ok: false, error: { kind, message: 'x' } }));
      const error = await failureOf(pending);
      expect(error.kind, kind).to.equal('server');
      expect(error.message, kind).to.equal('The page answered with a malformed reply.');
    }
  });
});

describe('LatestTask: a superseded run is aborted', () => {
  it("the older run's signal aborts when a newer run starts, and only the newer result is kept", async () => {
    const signals: AbortSignal[] = [];
    const resolvers: ((value: string) => void)[] = [];
    let arg = 'a';
    const host = { addController() {}, requestUpdate() {} } as never;
    const task = new LatestTask<[string], string>(host, {
      task: ([value], signal) => {
        signals.push(signal);
        return new Promise((resolve) => resolvers.push(() => resolve(value)));
      },
      args: () => [arg],
    });
    task.hostUpdate();
    arg = 'b';
    task.hostUpdate();
    expect(signals.map((s) => s.aborted)).to.deep.equal([true, false]);
    resolvers[1]!('b');
    resolvers[0]!('a');
    await new Promise((r) => setTimeout(r, 0));
    expect(task.value).to.equal('b');
    expect(task.status).to.equal('complete');
    expect(idle).to.be.a('symbol');
  });
});

describe('the attribute grammar (core/grammar.ts)', () => {
  it('one set of messages for every attribute', () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as SessionError).message;
      }
      return '';
    };
    expect(message(() => parseFields('ti tle'))).to.equal('Invalid fields field "ti tle".');
    expect(message(() => parseSort('price:up'))).to.equal('Sort order is asc or desc.');
    expect(message(() => parseSort('pri$ce'))).to.equal('Invalid sort field "pri$ce".');
    expect(message(() => parseFilter('[1]'))).to.equal('The filter attribute must be a JSON object.');
    expect(message(() => parseFilter('{', 'filters'))).to.equal('The filters attribute must be a JSON object.');
    expect(message(() => checkPageSize(101))).to.equal('page-size is 1 to 100.');
    expect(message(() => parseFields('a'.repeat(101)))).to.match(/^Invalid fields field "a{40}"\.$/);
  });

  it('fields, sort and filter parse as documented', () => {
    expect(parseFields('')).to.deep.equal([{ key: 'title', label: 'Title', format: 'auto' }]);
    expect(parseFields(' title:Product , price, , a.b:Nested: label ')).to.deep.equal([
      { key: 'title', label: 'Product', format: 'auto' },
      { key: 'price', label: 'price', format: 'auto' },
      { key: 'a.b', label: 'Nested: label', format: 'auto' },
    ]);
    // A last part that names a format is the format (case-insensitive); any other last part stays in the label.
    expect(parseFields('price:Price (USD):Currency, orderNumber::id, n:Number, t:Opens: 9:30, c:Count: constructor')).to.deep.equal([
      { key: 'price', label: 'Price (USD)', format: 'currency' },
      { key: 'orderNumber', label: 'orderNumber', format: 'id' },
      { key: 'n', label: 'Number', format: 'auto' },
      { key: 't', label: 'Opens: 9:30', format: 'auto' },
      { key: 'c', label: 'Count: constructor', format: 'auto' },
    ]);
    expect(parseSort('price:DESC, title')).to.deep.equal([
      { fieldName: 'price', order: 'DESC' },
      { fieldName: 'title', order: 'ASC' },
    ]);
    expect(parseFilter(' {"price":{"$lt":100}} ')).to.deep.equal({ price: { $lt: 100 } });
    expect(parseFilter('  ')).to.equal(undefined);
  });

  it('readField finds own properties only: prototype names read as missing', () => {
    const item = { title: 'T', address: { city: 'Oslo' }, tags: ['x'] };
    expect(readField(item, 'address.city')).to.equal('Oslo');
    expect(readField(item, 'tags.0')).to.equal('x');
    for (const key of ['constructor', '__proto__', 'toString', 'address.constructor', 'title.length', 'address.city.length']) {
      expect(readField(item, key), key).to.equal(undefined);
    }
  });

  it('property: any list of valid fields and orders round-trips through parseSort', () => {
    const field = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(field, fc.constantFrom('asc', 'desc', 'ASC', 'Desc', '')), { maxLength: 8 }), (sorts) => {
        const text = sorts.map(([f, o]) => (o ? `${f}:${o}` : f)).join(' , ');
        expect(parseSort(text)).to.deep.equal(sorts.map(([f, o]) => ({ fieldName: f, order: o.toLowerCase() === 'desc' ? 'DESC' : 'ASC' })));
      }),
    );
  });

  it('property: formatCell never throws and gives text for any value in any format; id never groups', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.constantFrom(...FORMATS),
        (value, format) => typeof formatCell(value, format, { locale: 'en-US', currency: 'USD' }) === 'string',
      ),
    );
    fc.assert(fc.property(fc.integer(), (n) => formatCell(n, 'id', { locale: 'en-US', currency: 'USD' }) === String(n)));
    fc.assert(fc.property(fc.integer({ min: 1000, max: 1e9 }), (n) => formatCell(n, 'number', { locale: 'en-US', currency: 'USD' }).includes(',')));
  });

  it('formatCell: the documented examples', () => {
    const en = { locale: 'en-US', currency: 'USD' };
    expect(formatCell(502.5, 'currency', en)).to.equal('$502.50');
    expect(formatCell(10250, 'id', en)).to.equal('10250');
    expect(formatCell(10250.5, 'number', en)).to.equal('10,250.5');
    expect(formatCell(10250, 'auto', en)).to.equal('10,250');
    expect(formatCell(0.125, 'percent', en)).to.equal('12.5%');
    expect(formatCell('', 'currency', en)).to.equal('—');
    expect(formatCell('n/a', 'currency', en)).to.equal('n/a');
    expect(formatCell([{ _id: 'b1', title: 'Acme' }, 'b2'], 'auto', en)).to.equal('Acme, b2');
    expect(formatCell({ a: 1 }, 'auto', en)).to.equal('{"a":1}');
    expect(formatNamed('CONSTRUCTOR')).to.equal(undefined);
    expect(formatNamed('__proto__')).to.equal(undefined);
    expect(formatNamed('Id')).to.equal('id');
  });

  it('prepareFormats builds the formatters ahead, so drawing the rows builds none; an unknown currency is left to the caller', () => {
    const made: string[] = [];
    const { NumberFormat, DateTimeFormat } = Intl;
    const counting = <T extends object>(target: T, name: string): T =>
      new Proxy(target, { construct: (t, args) => (made.push(name), Reflect.construct(t as never, args)) });
    const options = { locale: 'de-CH', currency: 'CHF' };
    try {
      Intl.NumberFormat = counting(NumberFormat, 'number');
      Intl.DateTimeFormat = counting(DateTimeFormat, 'date');
      prepareFormats(['currency', 'number', 'date', 'text', 'currency'], options);
      expect(made.sort()).to.deep.equal(['date', 'number', 'number']);
      made.length = 0;
      formatCell(12.5, 'currency', options);
      formatCell(3, 'number', options);
      formatCell(new Date(), 'date', options);
      expect(made, 'no formatter built while drawing').to.deep.equal([]);
      expect(() => prepareFormats(['currency'], { locale: 'en-US', currency: 'not a currency' })).not.to.throw();
    } finally {
      Intl.NumberFormat = NumberFormat;
      Intl.DateTimeFormat = DateTimeFormat;
    }
  });
});

describe('the shared rules (core/shared/)', () => {
  it('envelope codes map to kinds through own entries only', () => {
    expect(envelopeErrorKind('PERMISSION_DENIED')).to.equal('forbidden');
    expect(envelopeErrorKind('VALIDATION')).to.equal('validation');
    for (const code of ['constructor', '__proto__', 'UNAVAILABLE', '']) expect(envelopeErrorKind(code), code).to.equal('server');
  });

  it('redacts tokens and secret fields; names the Wix API hosts', () => {
    expect(redact('Authorization: OauthNG.JWS.abc.def.ghi and {"client_secret":"s3"} for ada')).to.equal(
      'Authorization: [redacted] and {"client_secret":"[redacted]"} for ada',
    );
    expect(WIX_API_HOSTS).to.include(WIX_API_HOST);
  });
});
