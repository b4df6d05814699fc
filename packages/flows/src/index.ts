export * from './flow-schema';
export * from './validate-flow';
export * from './flow-version';
export * from './calendar';
export * from './allowed-hosts';
export * from './expression';
export * from './examples/demo-menu-flow';
export * from './engine';
