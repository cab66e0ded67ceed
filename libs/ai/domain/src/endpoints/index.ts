export * from './ai-config-error';
export * from './credential-input';
export * from './endpoint.decider';
export * from './secret.decider';
export * from './target-change';
