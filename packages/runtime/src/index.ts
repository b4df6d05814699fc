export * from './adapters';
export * from './run-process';
export * from './run-shapes';
export * from './start-main';
