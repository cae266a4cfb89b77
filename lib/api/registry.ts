// Every REST API endpoint, in the order the OpenAPI document and the API page list them.
// A route file under app/api/v1 exports the handlers of the endpoints at its path; a test
// checks that the route files and this list name the same paths and methods.
import 'server-only';
import type { Endpoint } from './endpoint';
import { exportAccessEndpoint, exportAuditEndpoint, listAuditEventsEndpoint } from './endpoints/audit';
import { createSystemEndpoint, getSystemEndpoint, listEnvironmentsEndpoint, listSystemsEndpoint, listTeamsEndpoint } from './endpoints/catalog';
import { listDriftEndpoint } from './endpoints/discovery';
import { postureEndpoint } from './endpoints/posture';
import { listRotationsEndpoint, rotateNowEndpoint, rotationStatusEndpoint } from './endpoints/rotations';
import { createSecretEndpoint, decommissionSecretEndpoint, getSecretEndpoint, listSecretsEndpoint, updateSecretEndpoint } from './endpoints/secrets';
import { writeValueEndpoint } from './endpoints/values';

export const ENDPOINTS: readonly Endpoint[] = [
  listSecretsEndpoint,
  createSecretEndpoint,
  getSecretEndpoint,
  updateSecretEndpoint,
  decommissionSecretEndpoint,
  writeValueEndpoint,
  rotationStatusEndpoint,
  rotateNowEndpoint,
  listRotationsEndpoint,
  listEnvironmentsEndpoint,
  listTeamsEndpoint,
  listSystemsEndpoint,
  createSystemEndpoint,
  getSystemEndpoint,
  listAuditEventsEndpoint,
  exportAuditEndpoint,
  exportAccessEndpoint,
  postureEndpoint,
  listDriftEndpoint,
];
