// Runs this service alone on Kafka, MongoDB and Redis: the same as `hotline serve api`.
import { runServe, startMain } from '@hotline/runtime';
import { service } from './index';

await startMain(() => runServe(service, process.env));
