/**
 * The other end of `httpExporter`, a bounded HTTP server that writes each request's events to JSON Lines files (`optrail receive` as a library call).
 *
 * @module optrail/receiver
 */
export { startReceiver, type Receiver, type ReceiverOptions, type ReceiverStats } from './receiver.js';
