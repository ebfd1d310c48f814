/**
 * The SSML the Polly stand-in understands, read as strictly as an XML parser reads it: tags must be
 * well formed and balanced inside one <speak>, `&` must start an entity and `<` a tag. What it hands
 * on is the text to speak (entities decoded) and the reading speed of a <prosody rate="N%">, which
 * eSpeak NG then honours. Other tags are accepted and ignored (a <break> is not a pause here).
 */

export interface ReadSsml {
  text: string;
  /** Percent of the voice's own speed; the first <prosody rate> wins. */
  speedPercent?: number;
}

/** Polly's prosody rate: 20 % to 200 %. */
const MIN_RATE = 20;
const MAX_RATE = 200;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const TAG = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>$/;
const ATTRIBUTE = /([A-Za-z][\w:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9A-Fa-f]{1,6})|([A-Za-z]+));/y;

export class InvalidSsmlError extends Error {
  override name = 'InvalidSsmlError';
}

export function readSsml(ssml: string): ReadSsml {
  const stack: string[] = [];
  let text = '';
  let speedPercent: number | undefined;
  let seenSpeak = false;
  let i = 0;
  while (i < ssml.length) {
    const char = ssml[i]!;
    if (char === '<') {
      const end = ssml.indexOf('>', i);
      if (end < 0) throw new InvalidSsmlError(`a "<" at ${i} opens no tag`);
      const tag = TAG.exec(ssml.slice(i, end + 1));
      if (!tag) throw new InvalidSsmlError(`malformed tag at ${i}: ${ssml.slice(i, Math.min(end + 1, i + 40))}`);
      const [, closing, name, attributes, selfClosing] = tag as unknown as [string, string, string, string, string];
      if (stack.length === 0 && (closing || name !== 'speak' || seenSpeak)) throw new InvalidSsmlError('the document must be one <speak> element');
      if (closing) {
        if (stack.pop() !== name) throw new InvalidSsmlError(`</${name}> closes nothing open`);
      } else {
        if (name === 'speak') seenSpeak = true;
        if (name === 'prosody') speedPercent ??= rateOf(attributes);
        if (!selfClosing) stack.push(name);
      }
      i = end + 1;
      continue;
    }
    if (stack.length === 0) {
      if (/\s/.test(char)) {
        i++;
        continue;
      }
      throw new InvalidSsmlError('text outside <speak>');
    }
    if (char === '&') {
      ENTITY.lastIndex = i;
      const entity = ENTITY.exec(ssml);
      const decoded = entity && (entity[1] ? String.fromCodePoint(Number(entity[1])) : entity[2] ? String.fromCodePoint(parseInt(entity[2], 16)) : NAMED[entity[3]!]);
      if (!entity || decoded === undefined) throw new InvalidSsmlError(`a "&" at ${i} starts no entity`);
      text += decoded;
      i = ENTITY.lastIndex;
      continue;
    }
    text += char;
    i++;
  }
  if (!seenSpeak || stack.length > 0) throw new InvalidSsmlError('<speak> is not closed');
  return { text, ...(speedPercent !== undefined && { speedPercent }) };
}

/** A prosody element's rate as a percentage; a prosody without one leaves the speed alone. */
function rateOf(attributes: string): number | undefined {
  for (const [, name, double, single] of attributes.matchAll(ATTRIBUTE)) {
    if (name !== 'rate') continue;
    const value = (double ?? single)!;
    const percent = /^(\d{1,3})%$/.exec(value);
    const rate = percent ? Number(percent[1]) : NaN;
    if (!(rate >= MIN_RATE && rate <= MAX_RATE)) throw new InvalidSsmlError(`prosody rate ${value} is not ${MIN_RATE}%–${MAX_RATE}%`);
    return rate;
  }
  return undefined;
}
