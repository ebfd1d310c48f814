/**
 * What Markdown (markdown.ts) and an EPUB's XHTML (epub.ts) leave a listener alike: a heading ends as
 * a sentence, so Polly pauses after it, and an entity is the character it stands for, not "amp".
 */

const ENDS_SENTENCE = /[.!?…:;。！？]["'”’»)\]]*$/;

/** A heading (a list item, a table row) as a sentence of its own: a full stop unless it already ends one. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return !trimmed || ENDS_SENTENCE.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** XML's five, and the typographic ones books and HTML-minded Markdown write by name. */
const ENTITIES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: '\u00a0',
    shy: '\u00ad',
    mdash: '—',
    ndash: '–',
    hellip: '…',
    lsquo: '‘',
    rsquo: '’',
    sbquo: '‚',
    ldquo: '“',
    rdquo: '”',
    bdquo: '„',
    laquo: '«',
    raquo: '»',
    middot: '·',
    bull: '•',
    copy: '©',
    deg: '°',
    euro: '€',
  }),
);

/** Entities, numeric or named, as the characters they stand for; an unknown one stays as written (a Map: `&constructor;` is no entity). */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]+));/gi, (whole, decimal?: string, hex?: string, name?: string) => {
    const code = decimal ? Number(decimal) : hex ? parseInt(hex, 16) : undefined;
    if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return ENTITIES.get(name!.toLowerCase()) ?? whole;
  });
}
