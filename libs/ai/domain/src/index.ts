export * from './canonical';
export * from './upstream-error';
export * from './provider-adapter';
export * from './sse';
export * from './endpoint';
export * from './providers/openai-family';
export * from './usage/token-estimate';
export * from './providers/other-providers';
