// The demo pages' sign-in bar: shows who is browsing and signs in or out through the simulated Wix host.
import type { DemoWixHost } from './wix-host.ts';

export function bindAccountBar(host: DemoWixHost): void {
  const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
  const showIdentity = () => {
    const signedIn = host.identity.kind === 'member';
    $('#identity').textContent = signedIn ? `Signed in as ${(host.identity as { email: string }).email}` : 'Browsing as a visitor';
    $('#login').hidden = signedIn;
    $('#logout').hidden = !signedIn;
  };
  host.addEventListener('identity-change', showIdentity);
  showIdentity();
  $<HTMLFormElement>('#login').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    $('#login-error').textContent = '';
    host.login(String(data.get('email')), String(data.get('password'))).catch((error: Error) => {
      $('#login-error').textContent = error.message;
    });
  });
  $('#logout').addEventListener('click', () => void host.logout());
}
