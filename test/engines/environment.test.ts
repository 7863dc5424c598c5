// Every engine runs the element tests under the same conditions (web-test-runner.config.mjs): a fixed locale,
// time zone and viewport, and a page served over HTTPS with the platform's self-signed certificate accepted.
import { expect } from '@open-wc/testing';
import { controlFetch } from '../elements/helpers.ts';

describe('browser test environment (every engine)', () => {
  it('uses the en-US locale for the language and for Intl', () => {
    expect(navigator.language).to.equal('en-US');
    expect(new Intl.NumberFormat().format(1234.5)).to.equal('1,234.5');
    expect(new Intl.DateTimeFormat().resolvedOptions().locale).to.equal('en-US');
  });

  it('runs in UTC', () => {
    expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).to.be.oneOf(['UTC', 'Etc/UTC']);
    expect(new Date(0).getTimezoneOffset()).to.equal(0);
  });

  it('has the 800x600 viewport web-test-runner gives every test file', () => {
    expect(window.innerWidth).to.equal(800);
    expect(window.innerHeight).to.equal(600);
  });

  it('is served over HTTPS from localhost, with the platform on the same origin', async () => {
    expect(location.protocol).to.equal('https:');
    expect(location.hostname).to.equal('localhost');
    expect(window.isSecureContext).to.equal(true);
    const r = await controlFetch('/_platform/info');
    expect(r.status).to.equal(200);
    const info = (await r.json()) as { clientId?: unknown };
    expect(info.clientId).to.be.a('string');
  });
});
