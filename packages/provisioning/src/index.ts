// The provisioned configuration of a tenant: one zod schema per resource, for the API that
// writes it and for the services (acd-router, ivr-runner, sip-edge) that read it from the
// document store. Collection names are constants so nobody spells them twice.
export * from './collections';
export * from './common';
export * from './roles';
export * from './tenant';
export * from './api-key';
export * from './user';
export * from './agent';
export * from './skill';
export * from './queue';
export * from './hotline';
export * from './flow';
export * from './calendar';
export * from './prompt';
export * from './disposition-code';
export * from './site';
export * from './audit-entry';
export * from './sip-digest';
