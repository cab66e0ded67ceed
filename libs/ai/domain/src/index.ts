export * from './canonical';
export * from './upstream-error';
export * from './provider-adapter';
export * from './sse';
export * from './endpoint';
export * from './routing';
export * from './ssrf';
