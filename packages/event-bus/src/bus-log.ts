export type BusLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the adapters report what they do; a service passes its pino logger through this. */
export type BusLog = (level: BusLogLevel, message: string, fields: Record<string, unknown>) => void;

export const silentLog: BusLog = () => {};
