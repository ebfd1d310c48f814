/**
 * The bucket's layout, known to storage/ alone. The bucket module's lifecycle rule expires `audio/`
 * and `updates/`; `settings/` is kept.
 */
export const AUDIO_KEY_PREFIX = 'audio/';
export const UPDATE_MARKER_PREFIX = 'updates/';
export const SETTINGS_KEY_PREFIX = 'settings/';
