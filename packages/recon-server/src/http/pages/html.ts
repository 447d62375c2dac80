/** @module What every server-rendered page shares: the security headers and the document shell (escaping is shared/html). */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { escapeHtml } from '../../shared/html.js';

/** A fresh nonce for one response's inline script and style. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Sends an HTML page whose only script and style are the inline ones carrying `nonce`.
 * The pages load nothing from anywhere: no font, script or stylesheet from another origin.
 *
 * @example
 * const nonce = newNonce();
 * sendPage(res, 200, nonce, `<!doctype html><script nonce="${nonce}">…</script>`);
 */
export function sendPage(res: Response, status: number, nonce: string, html: string): void {
  res.status(status);
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ].join('; '),
  );
  // The counter URL carries its receipt's capability: it must not leak through Referer or caches.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.type('html').send(html);
}

/** A plain Vietnamese message page (not found, unavailable). */
export function messagePage(nonce: string, title: string, message: string): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f6fa;
font-family:system-ui,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;color:#1b2533}
main{max-width:40rem;padding:2rem;text-align:center}h1{font-size:2.5rem;color:#1f4e9c}p{font-size:1.4rem}
</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}

/** The font stack of every page: what the device already has (Vietnamese diacritics included). */
export const FONT_STACK = 'system-ui,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif';
