// The ConnectWise Manage requests kmsp sends, checked against the vendor's OpenAPI description
// (the GET-subset extract fixtures/specs/connectwise-manage-get-subset.extract.json) with the
// generic checker of openapi.ts. The codebase in the base path differs per tenant
// ("v4_6_release/", "v2025_1/"), so any one segment before apis/3.0 is accepted.
import { loadSpecExtract } from './swagger.js';
import { assertOpenApiConformance, checkOpenApiRequest, type OpenApiCheckOptions, type RecordedCall } from './openapi.js';

export const CONNECTWISE_SPEC = 'connectwise-manage-get-subset';

export const CONNECTWISE_CHECK: OpenApiCheckOptions = {
  basePath: /^\/[A-Za-z0-9_.-]+\/apis\/3\.0(?=\/|$)/i,
  documentedElsewhere: [
    {
      method: 'GET',
      path: '/login/companyinfo/{companyId}',
      belowBasePath: false,
      reason: 'codebase discovery: outside the REST API, in the vendor\'s developer guide (connector README §1.2)',
    },
    {
      method: 'GET',
      path: '/system/info',
      belowBasePath: true,
      reason: 'in the vendor\'s full OpenAPI description and clients, not in the GET-subset extract (connector README §4.7)',
    },
  ],
};

export function checkConnectWiseRequest(req: RecordedCall): string[] {
  return checkOpenApiRequest(req, loadSpecExtract(CONNECTWISE_SPEC), CONNECTWISE_CHECK);
}

export function assertConnectWiseConformance(requests: readonly RecordedCall[], exempt?: (r: RecordedCall) => boolean): void {
  assertOpenApiConformance(requests, loadSpecExtract(CONNECTWISE_SPEC), { ...CONNECTWISE_CHECK, service: 'ConnectWise', ...(exempt ? { exempt } : {}) });
}
