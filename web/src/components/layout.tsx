/** The frame of every signed-in page: top bar with breadcrumbs, links between areas, the demo's clock note, sign-out. */
import type { ComponentChildren } from 'preact';
import { linkHandler } from '../lib/router.ts';
import type { InfoResponse } from '../api/types.ts';

function Logo() {
  return (
    <svg width="18" height="18" viewBox="0 0 16 16" aria-hidden="true">
      <rect width="16" height="16" rx="3" fill="#2563eb" />
      <path d="M3 11l3-4 3 2 4-6" stroke="white" stroke-width="1.8" fill="none" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export interface NavLink {
  readonly label: string;
  readonly href: string;
  readonly current: boolean;
}

export function Layout(props: {
  crumbs: ReadonlyArray<{ label: string; href?: string }>; info: InfoResponse | undefined; links?: readonly NavLink[];
  onSignOut: () => void; children: ComponentChildren;
}) {
  const speed = props.info?.demo?.speed;
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href="/" onClick={linkHandler}><Logo />mlslo</a>
        <nav class="crumbs" aria-label="Breadcrumb">
          {props.crumbs.map((c, i) => (
            <span key={i} style={{ display: 'contents' }}>
              <span aria-hidden="true">/</span>
              {c.href === undefined ? <span class="here" aria-current="page">{c.label}</span> : <a href={c.href} onClick={linkHandler}>{c.label}</a>}
            </span>
          ))}
        </nav>
        <span class="spacer" />
        <span class="meta">
          {(props.links ?? []).length === 0 ? null : (
            <nav class="areas" aria-label="Areas">
              {(props.links ?? []).map((l) => (
                <a key={l.href} href={l.href} onClick={linkHandler} aria-current={l.current ? 'page' : undefined}>{l.label}</a>
              ))}
            </nav>
          )}
          {speed === undefined ? null : (
            <span class="demo-pill" title="mlslo serve --demo: simulated traffic on a clock that runs faster than wall time">
              demo · time runs {Number(speed.toPrecision(3))}× faster
            </span>
          )}
          {props.info === undefined ? null : <span class="version" title="mlslo server version">v{props.info.version}</span>}
          <button type="button" class="btn-ghost" onClick={props.onSignOut}>Sign out</button>
        </span>
      </header>
      <main id="main">{props.children}</main>
    </>
  );
}
