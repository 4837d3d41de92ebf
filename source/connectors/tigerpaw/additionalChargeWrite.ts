// THE ADDITIONAL-CHARGE WRITE — an ASSUMED REST stand-in for the ASMX operation
// SubmitAgreementAdditionalCharges (README §4.4). Tigerpaw 18.2.1 publishes no REST call that
// creates or changes an agreement's additional charges; the SOAP operation that does takes an XML
// parameter whose schema is not public. Until it is known, kmsp writes charges with:
//
//   POST /api/agreements/{n}/additionalcharges           {SpecialItemId, Quantity, PriceLevel, PrintWhenQuantityZero}
//   PUT  /api/agreements/{n}/additionalcharges/{detailId} {Quantity, PriceLevel}
//   → {AdditionalCharge: {DetailId, SpecialItemId, Quantity, Price, PriceLevel, …}, Success, Message}
//
// Everything that depends on that guess is in this module, so that it can be replaced by the SOAP
// call without touching the rest of the connector: the reads of charges (a documented REST GET)
// and the decision what to write (entities/agreements.ts) stay as they are.
import { KmspError } from '../../domain/errors.js';
import { NEW_CHARGE_PRINT_WHEN_ZERO } from './assumptions.js';
import type { TigerpawClient } from './client.js';
import { outcomeUnknownError } from './errors.js';
import { optNum, optRecord, type WireRecord } from './wire.js';

/** A charge as the write answered it. */
export interface WrittenCharge {
  detailId: number;
  quantity: number | null;
  priceLevel: number | null;
}

function answeredCharge(answer: WireRecord, action: string, check: string): WrittenCharge {
  const charge = optRecord(answer, 'AdditionalCharge', action);
  const detailId = charge ? optNum(charge, 'DetailId', action) : null;
  if (!charge || detailId === null) {
    // Success:true without the charge: it was most likely written, but kmsp cannot tell which line.
    throw outcomeUnknownError(action, 'Tigerpaw answered Success:true without the additional charge it wrote', { kind: 'protocol', check });
  }
  return { detailId, quantity: optNum(charge, 'Quantity', action), priceLevel: optNum(charge, 'PriceLevel', action) };
}

/** Adds a charge of a price book item (its ItemId) to an agreement, priced at a price level. Never repeated. */
export async function createCharge(client: TigerpawClient, agreement: number, itemId: string, quantity: number, priceLevel: number): Promise<WrittenCharge> {
  const action = `add price book item ${itemId} with quantity ${quantity} to agreement ${agreement}`;
  const check = `Look at agreement ${agreement}'s additional charges in Tigerpaw for item ${itemId}: kmsp reads the charges before its next posting and sets the one it finds instead of adding a second.`;
  const answer = await client.write({
    method: 'POST',
    path: `/api/agreements/${agreement}/additionalcharges`,
    body: { SpecialItemId: itemId, Quantity: quantity, PriceLevel: priceLevel, PrintWhenQuantityZero: NEW_CHARGE_PRINT_WHEN_ZERO },
    action,
    area: 'charges',
    item: true,
    check,
  });
  return answeredCharge(answer, action, check);
}

/** Sets the quantity and price level of an existing charge, in place. Never repeated. */
export async function updateCharge(client: TigerpawClient, agreement: number, detailId: number, itemId: string, quantity: number, priceLevel: number): Promise<WrittenCharge> {
  const action = `set additional charge ${detailId} (item ${itemId}, agreement ${agreement}) to quantity ${quantity} at price level ${priceLevel}`;
  const check = `Look at additional charge ${detailId} of agreement ${agreement} in Tigerpaw: if its quantity is ${quantity}, the change was made; setting it again is harmless.`;
  const answer = await client.write({
    method: 'PUT',
    path: `/api/agreements/${agreement}/additionalcharges/${detailId}`,
    body: { Quantity: quantity, PriceLevel: priceLevel },
    action,
    area: 'charges',
    item: true,
    check,
  });
  const written = answeredCharge(answer, action, check);
  if (written.detailId !== detailId) {
    throw new KmspError(`Tigerpaw answered the change of additional charge ${detailId} with another charge (${written.detailId})`, {
      kind: 'protocol',
      cause: `kmsp changed charge ${detailId} of agreement ${agreement}; the answer named charge ${written.detailId}`,
      remedy: `Look at agreement ${agreement}'s additional charges in Tigerpaw, and report this to the kmsp maintainers.`,
    });
  }
  return written;
}
