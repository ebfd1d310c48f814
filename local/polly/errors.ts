/**
 * Polly's errors as its restJson1 protocol sends them: the status, the error's name in the
 * x-amzn-ErrorType header and {"message"} as the body. The SDK turns the name into the class.
 */
export interface PollyError {
  status: number;
  type: string;
  message: string;
}

const error = (status: number, type: string, message: string): PollyError => ({ status, type, message });

export const pollyErrors = {
  throttling: () => error(400, 'ThrottlingException', 'Rate exceeded'),
  serviceFailure: () => error(500, 'ServiceFailureException', 'An unknown condition has caused a service failure.'),
  textLengthExceeded: (limit: number) => error(400, 'TextLengthExceededException', `Maximum text length has been exceeded (${limit} characters)`),
  invalidSampleRate: (rate: string) => error(400, 'InvalidSampleRateException', `The specified sample rate ${rate} is not valid`),
  languageNotSupported: (code: string) => error(400, 'LanguageNotSupportedException', `Language ${code} is not supported by the selected voice`),
  // Real Polly's answers to an unknown voice and a voice without the engine are ValidationExceptions.
  unknownVoice: (voiceId: string, known: readonly string[]) =>
    error(400, 'ValidationException', `1 validation error detected: Value '${voiceId}' at 'voiceId' failed to satisfy constraint: Member must satisfy enum value set: [${known.join(', ')}]`),
  engineNotSupported: (engine: string) => error(400, 'ValidationException', `This voice does not support the selected engine: ${engine}`),
  missing: (field: string) => error(400, 'ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`),
  invalidSsml: (detail: string) => error(400, 'InvalidSsmlException', `Invalid SSML request: ${detail}`),
  badRequest: (message: string) => error(400, 'ValidationException', message),
  unknownOperation: () => error(404, 'UnknownOperationException', 'Unknown operation'),
};
