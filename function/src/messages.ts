/** Everything the bot says in text, in one place. */
export const MESSAGES = {
  help: [
    'I read text aloud. Send me any message and I answer with a voice message of it, spoken by Amazon Polly.',
    '',
    'Long texts (up to 4096 characters) arrive as one voice message.',
    '/start shows the welcome message, /help shows this one.',
  ].join('\n'),
  notText: 'I can only read text aloud. Send me a text message.',
  nothingToSay: 'There is nothing to read aloud in that message. Send me some words.',
  tooLong: (limit: number) => `That text is too long for me. Please send at most ${limit} characters.`,
  unknownCommand: (name: string) => `I don't know /${name}. Send me text to hear it, or /help.`,
  failed: 'Sorry, I could not make a voice message this time. Please try again in a minute.',
  voicesForbidden:
    'Your privacy settings do not accept voice messages from me, so here is the audio as a file. ' +
    'Allow voice messages in Settings > Privacy > Voice messages to get them as voices.',
} as const;
