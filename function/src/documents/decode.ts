// PROVISIONAL: replaced by the docdecode branch's module at merge.
import type { DocumentFormat } from '../context.ts';
export function documentText(bytes: Uint8Array, _format: DocumentFormat): { ok: true; text: string; encoding: string } | { ok: false; reason: 'binary' | 'unknown_encoding' | 'empty' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text ? { ok: true, text, encoding: 'utf-8' } : { ok: false, reason: 'empty' };
  } catch {
    return { ok: false, reason: 'unknown_encoding' };
  }
}
