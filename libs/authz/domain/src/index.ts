export * from './errors';
export * from './domain-event';
export * from './validation';
export * from './user.decider';
export * from './api-key.decider';
export * from './role.decider';
export * from './grant.decider';
export * from './settings.decider';
