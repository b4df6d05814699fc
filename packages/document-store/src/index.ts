export * from './document-store';
export { DirectoryLockedError } from './directory-lock';
export { JournalCorruptError } from './journal';
export { openEmbeddedStore, type EmbeddedStoreOptions } from './embedded-store';
export { openMongoStore, type MongoStoreOptions } from './mongo-store';
