/**
 * Telegram `file_id`s of voices already sent, by audio key: sending a file_id again costs Telegram
 * no download and us no S3 request. Bounded, oldest first out, since a container may live for hours.
 */
export class FileIdMemory {
  private readonly ids = new Map<string, string>();

  constructor(private readonly capacity = 1000) {}

  get(key: string): string | undefined {
    return this.ids.get(key);
  }

  remember(key: string, fileId: string): void {
    this.ids.delete(key);
    this.ids.set(key, fileId);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }

  forget(key: string): void {
    this.ids.delete(key);
  }
}
