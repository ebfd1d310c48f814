/**
 * The bucket's layout, known to storage/ alone. The bucket module's lifecycle rule expires `audio/`,
 * `updates/`, `budget/` (a day's counter is written all day, so it outlives its day) and `documents/`;
 * `settings/` is kept.
 */
export const AUDIO_KEY_PREFIX = 'audio/';
export const UPDATE_MARKER_PREFIX = 'updates/';
export const SETTINGS_KEY_PREFIX = 'settings/';
export const BUDGET_KEY_PREFIX = 'budget/';
export const DOCUMENT_PROGRESS_PREFIX = 'documents/';
