/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundle only (tsup aliases it): Lambda
 * puts the execution role's credentials in the environment, so the SDK's default chain — shared ini
 * files, SSO, web identity, container and instance metadata, with their STS/SSO clients — is dead
 * weight there. The tools (dist/dev.mjs, dist/webhook.mjs) keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
