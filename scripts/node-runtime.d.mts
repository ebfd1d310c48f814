/** Types of scripts/node-runtime.mjs, which stays plain JavaScript so Node runs it before `npm ci`. */
export declare const LAMBDA_NODE_MAJOR: number;
export declare function nodeCacheDir(env?: Record<string, string | undefined>): string;
export type NodeRuntime = { ok: true; path: string; version: string } | { ok: false; why: string };
export declare function nodeOfMajor(major: number, options?: { install?: boolean; log?: (line: string) => void }): NodeRuntime;
