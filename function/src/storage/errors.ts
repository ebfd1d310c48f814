/** How S3 says a key does not exist: NoSuchKey for GetObject, NotFound for HeadObject. */
export const isMissingObject = (error: unknown): boolean => error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');
