export * from './fake-server';
export * from './fake-scenarios';
export * from './anthropic-fake';
export * from './loopback-send';
export * from './gemini-fake';
export * from './cohere-fake';
export * from './bedrock-fake';
