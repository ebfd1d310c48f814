/**
 * A document asked to be read aloud, as every door meets it. What needs no download is checked here,
 * at once: its format and its size. The reading itself is the worker's (ctx.readDocument, which only
 * worker.mjs carries); a door without it hands the document to the job queue.
 */
import type { Document, Message } from '@grammyjs/types';
import { TELEGRAM_DOWNLOAD_MAX_BYTES } from '../constants.ts';
import type { UpdateContext } from '../context.ts';
import type { Outcome } from '../facts.ts';
import { MESSAGES } from '../messages.ts';
import { apologize, replyText } from '../replies.ts';
import { documentFormat } from './format.ts';

/** A file name as the bot's texts quote it: a very long one is cut. */
export const documentName = (document: Document): string => {
  const name = document.file_name?.trim() || 'the file';
  return name.length > 64 ? `${name.slice(0, 61)}…` : name;
};

/** The refusal of a file over what a bot may download: said by the size Telegram reports here, or by the download (reading.ts). */
export const tooBigToDownload = (): string => MESSAGES.documentTooBig(TELEGRAM_DOWNLOAD_MAX_BYTES / 1024 / 1024);

export async function readAloud(ctx: UpdateContext, message: Message, document: Document): Promise<Outcome> {
  const refuse = (text: string) => replyText(ctx, message, text).then((): Outcome => 'text_sent');
  ctx.trace.note({ ...(document.file_size !== undefined && { document_bytes: document.file_size }) });
  const format = documentFormat(document);
  if (!format) return refuse(MESSAGES.documentUnsupported(documentName(document)));
  ctx.trace.note({ document_format: format });
  if ((document.file_size ?? 0) > TELEGRAM_DOWNLOAD_MAX_BYTES) return refuse(tooBigToDownload());
  if (ctx.readDocument) return ctx.readDocument(ctx, message, document, format);
  if (!ctx.later) return refuse(MESSAGES.documentsNeedQueue);
  try {
    await ctx.later.hold(ctx, message);
  } catch (error) {
    ctx.log.error('document not handed to the job queue', { update_id: ctx.trace.updateId, error });
    ctx.trace.note({ error_kind: ctx.trace.failedStage ?? 'internal' });
    await apologize(ctx, message);
    return 'failed';
  }
  ctx.trace.note({ queued: 'document' });
  return 'queued';
}
