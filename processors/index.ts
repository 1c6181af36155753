/** optrail/processors: RxJS operators from events to events. */
export { nameProcessor, processorReporter, withProcessorReporter, type ProcessorReporter } from '../src/processor-context.js';
