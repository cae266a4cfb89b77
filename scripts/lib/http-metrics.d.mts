import type { IncomingMessage, ServerResponse } from 'node:http';

export const HTTP_DURATION_METRIC: string;
type Manifest = { staticRoutes?: { page: string; regex?: string }[]; dynamicRoutes?: { page: string; regex: string }[] };
export function routeLabeler(manifest: Manifest): (pathname: string) => string;
export function buildRouteLabeler(root: string): (pathname: string) => string;
export function requestTimer(labelOf: (pathname: string) => string): (req: IncomingMessage, res: ServerResponse) => void;
