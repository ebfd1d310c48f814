// The demo chat: renders what the Telegram emulator sees in the one private chat, and sends what
// the user types. Events arrive from /events in order; a reconnect replays them all after a reset.
'use strict';

const $ = (id) => document.getElementById(id);
const messages = $('messages');
const statusLine = $('status');
const toast = $('toast');
const logLines = $('log-lines');
const WAVE_BARS = 48;
// Telegram shows a chat action for at most 5 s, or until the bot's next message.
const ACTION_MS = 5000;
const ACTIONS = { record_voice: 'recording voice…', upload_voice: 'sending voice…', typing: 'typing…', upload_document: 'sending file…' };
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

let state;
function reset() {
  messages.replaceChildren();
  logLines.replaceChildren();
  // A voice is labelled from the log lines of the update it answers: the user's message that the bot's
  // voice replies to, or the inline query a voice sent "via @bot" came from.
  // update_id by user message_id; label by update_id; rendered rows by message_id
  state = { updateOfMessage: new Map(), labels: new Map(), rows: new Map(), actionTimer: undefined };
  setStatus();
}

function setStatus(action) {
  clearTimeout(state.actionTimer);
  statusLine.textContent = action ? ACTIONS[action] ?? `${action}…` : 'bot';
  statusLine.classList.toggle('active', Boolean(action));
  if (action) state.actionTimer = setTimeout(() => setStatus(), ACTION_MS);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const clock = (unixSeconds) => new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const minutes = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
// A whole voice's length as Telegram shows it: rounded, and never 0:00 for a short one.
const length = (seconds) => minutes(Math.max(1, Math.round(seconds)));

function renderMessage(from, message, labelUpdate) {
  const row = el('div', `row ${from}`);
  row.dataset.messageId = message.message_id;
  const bubble = el('div', 'bubble');
  const quoted = message.reply_to_message;
  if (message.via_bot) bubble.append(el('div', 'via', `via @${message.via_bot.username}`));
  const quote = quoted && (quoted.text ?? quoted.caption ?? (quoted.document ? `📎 ${quoted.document.file_name ?? 'File'}` : quoted.voice ? '🎤 Voice message' : undefined));
  if (quote) bubble.append(el('div', 'reply', quote));
  if (message.voice) bubble.append(renderVoice(message.voice, labelUpdate));
  else if (message.document) bubble.append(renderDocument(message.document));
  if (message.text) bubble.append(el('span', 'text', message.text));
  // A voice's or file's caption ("1/3 · notes.txt", "/say"), under it as Telegram shows it.
  if (message.caption) bubble.append(testId(el('span', 'caption', message.caption), 'caption'));
  bubble.append(el('span', 'meta', clock(message.date)));
  row.append(bubble);
  if (message.reply_markup?.inline_keyboard) row.append(renderKeyboard(message));
  state.rows.set(message.message_id, row);
  messages.append(row);
  messages.scrollTop = messages.scrollHeight;
}

function renderKeyboard(message) {
  const keyboard = el('div', 'keyboard');
  for (const line of message.reply_markup.inline_keyboard) {
    const lineNode = el('div', 'line');
    for (const button of line) {
      const node = el('button', '', button.text);
      node.type = 'button';
      node.dataset.callback = button.callback_data ?? '';
      node.addEventListener('click', () => post('/press', { messageId: message.message_id, data: button.callback_data }));
      lineNode.append(node);
    }
    keyboard.append(lineNode);
  }
  return keyboard;
}

const PLAY = '<svg viewBox="0 0 24 24"><path fill="currentColor" d="M8 5v14l11-7z"/></svg>';
const PAUSE = '<svg viewBox="0 0 24 24"><path fill="currentColor" d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>';

function renderVoice(voice, labelUpdate) {
  const box = el('div', 'voice');
  const play = el('button', 'play');
  play.type = 'button';
  play.innerHTML = PLAY;
  play.setAttribute('aria-label', 'Play voice');
  const wave = el('div', 'wave');
  const bars = Array.from({ length: WAVE_BARS }, () => wave.appendChild(el('span')));
  const info = el('div', 'voice-info');
  const shown = el('span', 'duration', length(voice.duration));
  const by = el('span', 'voice-by');
  info.append(shown, by);
  const audio = el('audio');
  audio.preload = 'metadata';
  box.append(play, wave, info, audio);
  if (labelUpdate !== undefined) {
    box.dataset.update = labelUpdate;
    showLabel(box, state.labels.get(labelUpdate));
  }

  play.addEventListener('click', () => (audio.paused ? audio.play() : audio.pause()));
  audio.addEventListener('play', () => (play.innerHTML = PAUSE));
  audio.addEventListener('pause', () => (play.innerHTML = PLAY));
  audio.addEventListener('ended', () => (audio.currentTime = 0));
  audio.addEventListener('timeupdate', () => {
    const done = audio.duration ? audio.currentTime / audio.duration : 0;
    bars.forEach((bar, i) => bar.classList.toggle('played', i < done * bars.length));
    shown.textContent = audio.paused || !Number.isFinite(audio.duration) ? length(voice.duration) : minutes(audio.currentTime);
  });
  wave.addEventListener('click', (event) => {
    if (!audio.duration) return;
    audio.currentTime = ((event.clientX - wave.getBoundingClientRect().left) / wave.clientWidth) * audio.duration;
  });
  loadVoice(voice.file_id, audio, bars);
  return box;
}

/** One fetch feeds both the player (a blob URL is seekable, so the duration is known) and the waveform. */
async function loadVoice(fileId, audio, bars) {
  const response = await fetch(`/file/${encodeURIComponent(fileId)}`);
  const bytes = await response.arrayBuffer();
  audio.src = URL.createObjectURL(new Blob([bytes], { type: 'audio/ogg' }));
  try {
    const context = new OfflineAudioContext(1, 1, 48000);
    const decoded = await context.decodeAudioData(bytes.slice(0));
    drawWave(decoded.getChannelData(0), bars);
  } catch {
    bars.forEach((bar) => (bar.style.height = '30%')); // no waveform, still playable
  }
}

function drawWave(samples, bars) {
  const step = Math.max(1, Math.floor(samples.length / bars.length));
  const peaks = bars.map((_, i) => {
    let peak = 0;
    for (let j = i * step; j < Math.min(samples.length, (i + 1) * step); j++) peak = Math.max(peak, Math.abs(samples[j]));
    return peak;
  });
  const loudest = Math.max(...peaks) || 1;
  bars.forEach((bar, i) => (bar.style.height = `${Math.max(8, (peaks[i] / loudest) * 100)}%`));
}

// A file as Telegram shows it: an icon, the name, the size; a click downloads it.
function renderDocument(document) {
  const name = document.file_name ?? 'file';
  const box = testId(el('a', 'document'), 'document');
  box.href = `/file/${encodeURIComponent(document.file_id)}`;
  box.download = name;
  box.title = `Download ${name}`;
  const icon = el('span', 'file-icon');
  icon.innerHTML = FILE;
  const lines = el('span', 'file-lines');
  lines.append(el('span', 'file-name', name), el('span', 'file-size', fileSize(document.file_size ?? 0)));
  box.append(icon, lines);
  return box;
}

const FILE = '<svg viewBox="0 0 24 24"><path fill="currentColor" d="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5zM8 13h8v1.5H8zm0 4h8v1.5H8z"/></svg>';

function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A name for tests to find an element by, that styling changes leave alone. */
function testId(node, id) {
  node.dataset.testid = id;
  return node;
}

/**
 * The function's log lines name the voice and language it chose for an update; show them on the
 * voices of that update. A later line without the language (the inline voice link's) keeps the label.
 */
function labelFromLog(line) {
  if (line.update_id === undefined || !line.voice) return;
  if (!line.language && state.labels.has(line.update_id)) return;
  const language = line.language ? ` · ${languageNames.of(line.language) ?? line.language}` : '';
  const label = `${line.voice}${language}`;
  state.labels.set(line.update_id, label);
  for (const box of messages.querySelectorAll(`.voice[data-update="${line.update_id}"]`)) showLabel(box, label);
}

function showLabel(box, label) {
  if (label) box.querySelector('.voice-by').textContent = label;
}

/** The metrics CloudWatch would extract from the line's EMF directives (docs/metrics.md): the non-zero ones, and their dimensions. */
function metricsOf(line) {
  const directives = line._aws?.CloudWatchMetrics ?? [];
  const names = new Set(directives.flatMap((d) => [...d.Metrics.map((m) => m.Name), ...d.Dimensions.flat().filter((n) => n !== 'FunctionName')]));
  return { names, text: [...names].filter((name) => line[name]).map((name) => `${name}=${line[name]}`).join(' ') };
}

const logPanel = $('log');
const atNewest = () => logPanel.scrollHeight - logPanel.scrollTop - logPanel.clientHeight < 8;
const showNewest = () => (logPanel.scrollTop = logPanel.scrollHeight);

function renderLog(line, brief) {
  // One line each (time, level, message, the fields a person looks for); a click opens the line as
  // the function wrote it (one JSON object, as CloudWatch shows it), with the metrics CloudWatch
  // would extract from its EMF directives.
  const item = el('li', line.level);
  const entry = el('details');
  const time = line.timestamp ? new Date(line.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }) : '';
  entry.append(el('summary', 'brief', `${time} ${brief}`));
  entry.append(el('pre', 'line', JSON.stringify(line, null, 2)));
  const metrics = metricsOf(line);
  if (metrics.text) entry.append(el('div', 'metrics', `metrics: ${metrics.text}`));
  item.append(entry);
  const follow = logPanel.hidden || atNewest();
  logLines.append(item);
  if (follow) showNewest();
}

function showToast(text) {
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => (toast.hidden = true), 2500);
}

async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) showToast(await response.text());
}

const handlers = {
  reset() {
    reset();
    hideInline();
  },
  bot({ username, rateLimitPerMinute }) {
    bot.username = username;
    $('limit-note').textContent = `Like the deployed bot, the demo answers up to ${rateLimitPerMinute} messages a minute per chat; past that it says so once, then stays silent until the next minute.`;
    for (const fill of document.querySelectorAll('[data-fill^="@"]')) fill.dataset.fill = `@${username} `;
  },
  edited({ message }) {
    // editMessageText / editMessageReplyMarkup: the bubble stays in place with the new text and
    // keyboard, and "edited" before its time, as Telegram shows it.
    const row = state.rows.get(message.message_id);
    if (!row) return;
    const text = row.querySelector('.text');
    if (text && message.text !== undefined) text.textContent = message.text;
    row.querySelector('.meta').textContent = `edited ${clock(message.date)}`;
    row.querySelector('.keyboard')?.remove();
    if (message.reply_markup?.inline_keyboard) row.append(renderKeyboard(message));
  },
  message({ from, update_id, inline_update_id, message }) {
    if (from === 'user') state.updateOfMessage.set(message.message_id, update_id);
    else setStatus();
    renderMessage(from, message, inline_update_id ?? state.updateOfMessage.get(message.reply_to_message?.message_id));
  },
  action: ({ action }) => setStatus(action),
  // The bot's reaction on the user's message (✍: queued, being worked on), as Telegram shows it under the bubble.
  reaction({ message_id, emoji }) {
    const bubble = state.rows.get(message_id)?.querySelector('.bubble');
    if (!bubble) return;
    bubble.querySelector('.reaction')?.remove();
    if (emoji.length) bubble.append(el('span', 'reaction', emoji.join('')));
  },
  toast: ({ text }) => showToast(text),
  log({ line, brief }) {
    renderLog(line, brief);
    labelFromLog(line);
  },
};

reset();
new EventSource('/events').addEventListener('message', (event) => {
  const data = JSON.parse(event.data);
  handlers[data.type]?.(data);
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('text');
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  hideInline();
  post('/send', { text });
});
// 📎: the file goes as it is (its bytes as the body) and comes back as the user's document message
// from the emulator, like a text does.
$('attach').addEventListener('click', () => $('file').click());
$('file').addEventListener('change', async () => {
  const input = $('file');
  const file = input.files[0];
  input.value = ''; // the same file can be sent again
  if (!file) return;
  const query = new URLSearchParams({ name: file.name, type: file.type });
  const response = await fetch(`/send-document?${query}`, { method: 'POST', body: file });
  if (!response.ok) showToast(await response.text());
});
$('log-toggle').addEventListener('click', () => {
  logPanel.hidden = !logPanel.hidden;
  if (!logPanel.hidden) showNewest(); // the newest entry is what a person opens the log for
});
$('log-close').addEventListener('click', () => ($('log').hidden = true));
for (const fill of document.querySelectorAll('[data-fill]')) {
  fill.addEventListener('click', () => {
    const input = $('text');
    input.value = fill.dataset.fill;
    input.focus();
    input.dispatchEvent(new Event('input'));
  });
}

// Inline mode, as a Telegram client does it: `@bot text` in the message box asks the bot on every
// keystroke (a moment after the last), and shows its results above the box; choosing one sends it.
const bot = { username: 'voicebot' };
const INLINE_DELAY_MS = 250;
const inlineBox = $('inline-results');
let inlineTimer;
let inlineSeq = 0;

function inlineQueryOf(text) {
  const match = /^@(\w+)(\s([\s\S]*))?$/.exec(text);
  if (!match || match[1].toLowerCase() !== bot.username.toLowerCase()) return undefined;
  return match[2] === undefined ? undefined : match[3];
}

function hideInline() {
  clearTimeout(inlineTimer);
  inlineSeq++;
  inlineBox.hidden = true;
  inlineBox.replaceChildren();
}

function showInline(nodes) {
  inlineBox.replaceChildren(...nodes);
  inlineBox.hidden = false;
}

$('text').addEventListener('input', () => {
  const query = inlineQueryOf($('text').value);
  if (query === undefined) return hideInline();
  clearTimeout(inlineTimer);
  // BotFather's /setinline placeholder, shown until there is text.
  if (!query.trim()) return showInline([el('div', 'hint', 'Text to read aloud…')]);
  const seq = ++inlineSeq;
  inlineTimer = setTimeout(async () => {
    const response = await fetch('/inline', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    if (seq !== inlineSeq) return; // the user typed on: an older answer must not replace a newer one
    if (!response.ok) return showInline([el('div', 'hint', await response.text())]);
    const { queryId, results } = await response.json();
    if (!results.length) return showInline([el('div', 'hint', 'No results')]);
    showInline(results.map((result) => renderInlineResult(queryId, result)));
  }, INLINE_DELAY_MS);
});

function renderInlineResult(queryId, result) {
  const node = el('button', 'inline-result');
  node.type = 'button';
  node.setAttribute('role', 'option');
  const lines = el('div', 'lines');
  // The title is "🔊 Read aloud — language"; shown on two lines as Telegram shows title and description.
  const [title, detail] = result.title.split(' — ');
  lines.append(el('div', 'title', title), el('div', 'description', detail ?? 'voice message'));
  node.append(el('span', 'icon', '🎤'), lines);
  node.addEventListener('click', () => {
    hideInline();
    $('text').value = '';
    post('/inline/choose', { queryId, resultId: result.id });
  });
  return node;
}
