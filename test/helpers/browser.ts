/**
 * Test harness: Debian's `chromium`, headless, driven by playwright-core (no downloaded browser).
 * Each session gets a fresh profile directory, records console errors, page errors and every
 * request that is not a file:// or loopback URL (a report must open offline; the dashboard
 * only talks to its own coordinator), and is closed and removed in `close()`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

const CANDIDATES = [process.env.INFOSHARD_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

/**
 * Skip a browser test only when the developer asked for it (INFOSHARD_SKIP_BROWSER=1); otherwise
 * a missing chromium is a failure, so CI can never pass by silently skipping these tests.
 */
export function requireChromium(ctx: Mocha.Context): string {
  const found = findChromium();
  if (found) return found;
  if (process.env.INFOSHARD_SKIP_BROWSER === '1') {
    console.warn('    chromium not installed and INFOSHARD_SKIP_BROWSER=1: skipping');
    ctx.skip();
  }
  throw new Error('chromium not found at /usr/bin/chromium: install it (Debian: apt-get install -y chromium; .ci/run does), point INFOSHARD_CHROMIUM at one, or set INFOSHARD_SKIP_BROWSER=1 to skip browser tests locally');
}

export interface BrowserSession {
  page: Page;
  /** console.error messages and uncaught page errors, in order. */
  errors: string[];
  /** Requests to anything but file:// and 127.0.0.1 (each one was aborted). */
  foreignRequests: string[];
  close(): Promise<void>;
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function openBrowser(executablePath: string): Promise<BrowserSession> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'infoshard-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      viewport: { width: 900, height: 1000 },
      timeout: 30_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || /^https?:\/\/127\.0\.0\.1[:/]/.test(url) || url.startsWith('data:')) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  return {
    page,
    errors,
    foreignRequests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where a test saves screenshots: $INFOSHARD_SCREENSHOTS (kept) or the test's own temp dir. */
export function screenshotDir(fallback: string): string {
  const d = process.env.INFOSHARD_SCREENSHOTS || fallback;
  mkdirSync(d, { recursive: true });
  return d;
}
