export * from './fake-server';
export * from './openai-fake';
export { FAKE_FAULTS } from './openai-fake-errors';
export type { FakeFault, OpenAiFlavour } from './openai-fake-errors';
export * from './mistral-fake';
