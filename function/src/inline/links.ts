import { createHmac, timingSafeEqual } from 'node:crypto';
import { VOICE_LINK_KEY_LABEL, VOICE_LINK_TTL_SECONDS, VOICE_ROUTE_PATH } from '../constants.ts';
import type { VoiceLink, VoiceLinkCheck, VoiceLinkSigner } from '../context.ts';

const INTEGER = /^-?\d{1,20}$/;
/** Signed fields, in the order they are signed: text, language ('' when unknown), user, update, expiry. */
const SIGNED = ['t', 'l', 'u', 'i', 'x'] as const;
type SignedFields = Record<(typeof SIGNED)[number], string>;

/**
 * Voice URLs for inline results, signed with HMAC-SHA256 under a key derived from the webhook secret.
 * Anyone may fetch one, so what costs money (the text) and who pays (user, update) is under the
 * signature, with the language the result's title named; the voice is the user's own choice, looked
 * up when fetched. An expired or altered URL is refused before any work is done.
 */
export class VoiceLinks implements VoiceLinkSigner {
  private readonly key: Buffer;

  constructor(
    /** The route's absolute URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/live/voice. */
    readonly routeUrl: string,
    webhookSecret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', webhookSecret).update(VOICE_LINK_KEY_LABEL).digest();
  }

  /** The route's URL under an API's base URL (the stage's invoke URL). */
  static routeUnder(baseUrl: string): string {
    return `${baseUrl.replace(/\/+$/, '')}${VOICE_ROUTE_PATH}`;
  }

  sign(link: Omit<VoiceLink, 'expires'>): string {
    const expires = Math.floor(this.now() / 1000) + VOICE_LINK_TTL_SECONDS;
    const fields: SignedFields = { t: Buffer.from(link.text, 'utf8').toString('base64url'), l: link.language ?? '', u: String(link.userId), i: String(link.updateId), x: String(expires) };
    return `${this.routeUrl}?${new URLSearchParams({ ...fields, s: this.signature(fields) })}`;
  }

  verify(query: Record<string, string | undefined> | null | undefined): VoiceLinkCheck {
    const { t, l, u, i, x, s } = query ?? {};
    if (t === undefined || l === undefined || !u || !i || !x || !s) return { ok: false, reason: 'unsigned or incomplete' };
    // The strings, not the bytes they decode to: base64url decoding skips stray characters and spare
    // bits, so many spellings decode alike, and each would be another URL for the same voice.
    const expected = Buffer.from(this.signature({ t, l, u, i, x }));
    const received = Buffer.from(s);
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: 'bad signature' };
    // Checked after the signature, so the reason never tells a forger which fields pass.
    if (!INTEGER.test(u) || !INTEGER.test(i) || !INTEGER.test(x)) return { ok: false, reason: 'malformed' };
    const expires = Number(x);
    if (expires * 1000 < this.now()) return { ok: false, reason: 'expired' };
    const link: VoiceLink = { text: Buffer.from(t, 'base64url').toString('utf8'), ...(l && { language: l }), userId: Number(u), updateId: Number(i), expires };
    return { ok: true, link };
  }

  /** Over the fields in a fixed order, each length-prefixed, so no two different URLs share a signed string. */
  private signature(fields: SignedFields): string {
    const signed = SIGNED.map((name) => `${fields[name].length}:${fields[name]}`).join('\n');
    return createHmac('sha256', this.key).update(signed).digest('base64url');
  }
}
