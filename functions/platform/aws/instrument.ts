/**
 * Wraps each AWS SDK client as it is made: the handlers pass Powertools' tracer here, so
 * that every AWS call is a subsegment of the function's X-Ray trace.
 */
export type InstrumentClient = <C>(client: C) => C;

/** No instrumentation: the tests and any caller without a tracer. */
export const asIs: InstrumentClient = (client) => client;
