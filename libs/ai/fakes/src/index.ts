export * from './fake-server';
