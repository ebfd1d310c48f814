/**
 * The bad-and-odd-input corpus (the JSON files beside this module, described in README.md):
 * loading with a check for misspelt fields, and turning a case into an update or a raw body.
 * Two runners share it: cases at the webhook's door (raw bodies, secrets, methods, headers,
 * encodings, status codes) run against the built bundle in tests/reliability/corpus.test.ts; the
 * rest test the bot logic and run over in-memory ports in tests/function/corpus.unit.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '@grammyjs/types';

/** The chat a case's message is written in, and that chat's first message (replies thread to it). */
export interface CaseChat {
  id: number;
  chat: Message['chat'];
  from: NonNullable<Message['from']>;
  message: Pick<Message, 'message_id'>;
}

const CORPUS = import.meta.dirname;

export type Generated = { $repeat: string; count: number; prefix?: string; suffix?: string };
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Expectation {
  status?: number;
  reply: 'voice' | 'text' | 'document' | 'silence';
  text?: string;
  downstream?: 'none' | 'allowed';
  polly?: number;
  pollyText?: string;
  pollyTextNot?: string;
  reason?: string;
  errorLog?: boolean;
}

export interface Case {
  id: string;
  description: string;
  method?: string;
  secret?: string | Generated | null;
  secretHeader?: string;
  headers?: Record<string, string>;
  body?: string | Generated | null;
  text?: string | Generated;
  message?: Record<string, Json>;
  update?: Record<string, Json>;
  base64?: boolean;
  isBase64Encoded?: boolean;
  chatType?: 'private' | 'group' | 'supergroup';
  deliveries?: number;
  concurrent?: boolean;
  expect: Expectation;
  file: string;
}

const CASE_KEYS = new Set(['id', 'description', 'method', 'secret', 'secretHeader', 'headers', 'body', 'text', 'message', 'update', 'base64', 'isBase64Encoded', 'chatType', 'deliveries', 'concurrent', 'expect']);
const EXPECT_KEYS = new Set(['status', 'reply', 'text', 'downstream', 'polly', 'pollyText', 'pollyTextNot', 'reason', 'errorLog']);

/** Reads every corpus file and refuses misspelt fields, so a typo cannot silently weaken a case. */
export function loadCorpus(): Case[] {
  const cases: Case[] = [];
  for (const file of readdirSync(CORPUS).filter((name) => name.endsWith('.json')).sort()) {
    for (const raw of JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Omit<Case, 'file'>[]) {
      const unknown = [...Object.keys(raw).filter((key) => !CASE_KEYS.has(key)), ...Object.keys(raw.expect ?? {}).filter((key) => !EXPECT_KEYS.has(key))];
      assert.deepEqual(unknown, [], `${file}: case ${raw.id} has unknown fields`);
      assert.ok(raw.id && raw.description && raw.expect?.reply, `${file}: every case needs id, description and expect.reply`);
      cases.push({ ...raw, file });
    }
  }
  const ids = cases.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'case ids are unique');
  return cases;
}

const DELETE = Symbol('delete');

export interface Scope {
  updateId: number;
  chat: CaseChat;
  date: number;
  message: () => unknown;
}

export const generate = (g: Generated) => `${g.prefix ?? ''}${g.$repeat.repeat(g.count)}${g.suffix ?? ''}`;
const isGenerated = (value: unknown): value is Generated => typeof value === 'object' && value !== null && '$repeat' in value;

/** Arrays nested `depth` deep, written as text: deeper than JSON.stringify's recursion can go. */
const nestedArrays = (json: string) => json.replace(/"\$NESTED_(\d+)"/g, (_, depth: string) => '['.repeat(Number(depth)) + ']'.repeat(Number(depth)));

/** Fills the placeholders of a case's update or message with this run's ids, chat and date. */
function expand(value: Json | Generated | undefined, scope: Scope): unknown {
  if (isGenerated(value)) return generate(value);
  if (typeof value === 'string') {
    switch (value) {
      case '$UPDATE_ID':
        return scope.updateId;
      case '$CHAT':
        return scope.chat.chat;
      case '$CHAT_ID':
        return scope.chat.id;
      case '$FROM':
        return scope.chat.from;
      case '$MESSAGE_ID':
        return scope.chat.message.message_id;
      case '$DATE':
        return scope.date;
      case '$MESSAGE':
        return scope.message();
      case '$DELETE':
        return DELETE;
    }
    return value; // "$NESTED_<depth>" stays for caseBody: JSON.stringify cannot write that deep

  }
  if (Array.isArray(value)) return value.map((item) => expand(item, scope));
  if (value && typeof value === 'object') {
    const { $merge, ...rest } = value as Record<string, Json>;
    const out: Record<string, unknown> = $merge === undefined ? {} : { ...(expand($merge, scope) as object) };
    for (const [key, item] of Object.entries(rest)) {
      const expanded = expand(item, scope);
      if (expanded === DELETE) delete out[key];
      else out[key] = expanded;
    }
    return out;
  }
  return value;
}

/** The message a case describes with `text` and/or `message`, over an ordinary message in its chat. */
function caseMessage(c: Case, scope: Scope): unknown {
  const text = c.text === undefined ? undefined : typeof c.text === 'string' ? c.text : generate(c.text);
  const { chat, from, message: first } = scope.chat;
  const message: Record<string, unknown> = { message_id: first.message_id, date: scope.date, chat, from };
  if (text !== undefined) {
    message.text = text;
    const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
    if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
  }
  for (const [key, item] of Object.entries(c.message ?? {})) {
    const expanded = expand(item, scope);
    if (expanded === DELETE) delete message[key];
    else message[key] = expanded;
  }
  return message;
}

/** A case's ids, chat and date; its message is made once, on first use, so every delivery sends the same. */
export function caseScope(c: Case, chat: CaseChat, updateId: number): Scope {
  let message: unknown;
  const scope: Scope = { updateId, chat, date: Math.floor(Date.now() / 1000), message: () => (message ??= caseMessage(c, scope)) };
  return scope;
}

/** The update a case describes, as the bot gets it after decoding; undefined for a case that is only a raw body. */
export function caseUpdate(c: Case, scope: Scope): unknown {
  if (c.update) return expand(c.update, scope);
  if (c.text !== undefined || c.message) return { update_id: scope.updateId, message: scope.message() };
  return undefined;
}

export function caseBody(c: Case, scope: Scope | undefined): string | null {
  if ('body' in c) return c.body === null || c.body === undefined ? null : typeof c.body === 'string' ? c.body : generate(c.body);
  if (!scope) return null;
  const update = caseUpdate(c, scope);
  return update === undefined ? null : nestedArrays(JSON.stringify(update));
}

export const needsChat = (c: Case) => c.update !== undefined || c.text !== undefined || c.message !== undefined;

const DOOR_FIELDS = ['method', 'secret', 'secretHeader', 'headers', 'body', 'base64', 'isBase64Encoded'] as const;

/**
 * A case about the webhook's door: the secret, the method, headers, the raw body and its encoding,
 * update_id checks — what index.ts and decodeUpdate decide before the bot logic sees an update.
 */
export const atTheDoor = (c: Case): boolean =>
  c.file === 'auth.json' || c.file === 'bodies.json' || c.expect.status !== undefined || DOOR_FIELDS.some((field) => field in c);
