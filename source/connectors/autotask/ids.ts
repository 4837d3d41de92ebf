// Autotask wants integer ids on the wire (connectors/wireValues.ts).
import { integerIds } from '../wireValues.js';

export const { toInt, optInt } = integerIds('Autotask');
export { checkDate, fit } from '../wireValues.js';
