export * from './fake-server';
export * from './openai-fake';
export { FAKE_FAULTS, FakeFault, OpenAiFlavour } from './openai-fake-errors';
