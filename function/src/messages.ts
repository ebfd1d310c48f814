/** Everything the bot says in text, in one place. */
export const MESSAGES = {
  help: [
    'I read text aloud. Send me any message and I answer with a voice message of it, spoken by Amazon Polly in the language you write in.',
    '',
    '/voice — choose the voice for your language (or /voice Joanna to pick one by name)',
    '/say <text> — read a text aloud; in groups, this (or /say as a reply to a message) is how to ask me',
    '/start — the welcome message, /help — this one',
  ].join('\n'),
  notText: 'I can only read text aloud. Send me a text message.',
  nothingToSay: 'There is nothing to read aloud in that message. Send me some words.',
  tooLong: (limit: number) => `That text is too long for me. Please send at most ${limit} characters.`,
  unknownCommand: (name: string) => `I don't know /${name}. Send me text to hear it, or /help.`,
  sayUsage: 'Write /say followed by a text, or reply /say to a message to hear it.',
  failed: 'Sorry, I could not make a voice message this time. Please try again in a minute.',
  voicesForbidden:
    'Your privacy settings do not accept voice messages from me, so here is the audio as a file. ' +
    'Allow voice messages in Settings > Privacy > Voice messages to get them as voices.',
  rateLimited: (limit: number) => `That is a lot of messages! I read up to ${limit} a minute per chat — please wait a moment.`,
  overBudget: 'Sorry, I have read all I can for today. Please try again after midnight UTC; phrases I have read before still work.',
  notAllowed: 'Sorry, this bot is private and does not serve this chat.',
  voiceMenu: (language: string, current: string) => `Choose a voice for ${language}. Now: ${current}.`,
  voiceAutomatic: 'automatic (the best voice for each text’s language)',
  voiceSet: (voice: string, language: string) => `From now on ${voice} reads your ${language} texts.`,
  voiceReset: 'Voices are automatic again: each text is read in its own language.',
  voiceUnknown: (name: string, examples: string) => `I don't know a voice called “${name}”. Try one of: ${examples}. Or send /voice for a menu.`,
  inlineTitle: (language?: string) => `🔊 Read aloud${language ? ` — ${language}` : ''}`,
} as const;
