export * from './config-error';
export * from './load-config';
export * from './setting-types';
export * from './platform-settings';
