// ConnectWise wants integer ids on the wire (connectors/wireValues.ts).
import { integerIds } from '../wireValues.js';

export const { toInt, optInt } = integerIds('ConnectWise');
export { checkDate, fit } from '../wireValues.js';
