export { services } from './service-registry';
