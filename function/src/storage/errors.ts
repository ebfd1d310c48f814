/** How S3 says a key does not exist: NoSuchKey for GetObject, NotFound for HeadObject. */
export const isMissingObject = (error: unknown): boolean => error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');

/** The HTTP status of an AWS SDK error, when the service answered. */
export const httpStatusOf = (error: unknown): number | undefined => (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
