// A subscriber's handler that throws must not break delivery to the others (nor, for Redis, the
// connection's reply parser). Both adapters report such errors here unless told otherwise.

export type HandlerErrorReporter = (error: unknown, channel: string) => void;

export const warnHandlerError: HandlerErrorReporter = (error, channel) => {
  const detail = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `live-state subscriber on channel "${channel}" threw: ${detail}`,
    'LiveStateHandlerError',
  );
};
