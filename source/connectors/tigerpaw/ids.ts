// Tigerpaw numbers its records (accounts, agreements, service orders, reps, boards) with integers
// on the wire (connectors/wireValues.ts).
import { integerIds } from '../wireValues.js';

export const { toInt, optInt } = integerIds('Tigerpaw');
export { checkDate, fit } from '../wireValues.js';
