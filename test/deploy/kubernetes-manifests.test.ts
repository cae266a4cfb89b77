// deploy/kubernetes, rendered offline by `kubectl kustomize` (the base and every overlay) and
// checked twice: every object against the Kubernetes API schemas (kubernetes-models), then
// the facts the deployment promises: probes, resources, non-root pods without capabilities,
// keys only by reference to a Secret, the migration as the owner role, a pinned image, and
// the same commands and health paths as the Dockerfile and docker-compose.yml.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IContainer, IEnvVar, IPodSpec } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const kubernetesDir = path.join(root, 'deploy/kubernetes');
const overlays = readdirSync(path.join(kubernetesDir, 'overlays')).map((name) => `overlays/${name}`);
const targets = ['base', ...overlays];

type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Checked against the schema below; read here only through the typed helpers.
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

function render(target: string): KubernetesObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', path.join(kubernetesDir, target)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('kubectl is not installed: .ci/run installs it (this test renders the manifests with `kubectl kustomize`)');
    throw new Error(`kubectl kustomize ${target} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(output).map((document) => {
    expect(document.errors, target).toEqual([]);
    return document.toJS() as KubernetesObject;
  });
}

const byKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: KubernetesObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
// Deployments and Jobs alike: spec.template.spec.
const podSpec = (workload: KubernetesObject) => (workload.spec as { template: { metadata: { labels: Record<string, string> }; spec: IPodSpec } }).template;
const workloads = (objects: KubernetesObject[]) => [...byKind(objects, 'Deployment'), ...byKind(objects, 'Job')];
const containerOf = (workload: KubernetesObject): IContainer => {
  const { containers } = podSpec(workload).spec;
  expect(containers, workload.metadata.name).toHaveLength(1);
  return containers[0];
};
const envOf = (container: IContainer, name: string): IEnvVar | undefined => container.env?.find((e) => e.name === name);
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

// Variables that hold keys, passwords or credentials (database URLs carry a password).
const SECRET_NAME = /SECRET|PEPPER|KEY|PASSWORD|TOKEN|_DATABASE_URL$|^DATABASE_URL$/;

// Every variable the app knows, as spelled in .env.example and docker-compose.yml.
const knownVariables = new Set(
  [
    readFileSync(path.join(root, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm),
    readFileSync(path.join(root, 'docker-compose.yml'), 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm),
  ]
    .flatMap((matches) => [...matches])
    .map((m) => m[1]),
);

const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { command?: string[]; healthcheck?: { test?: string[]; disable?: boolean } }>;
};

const HEALTH_PATH = /\/api\/health[\w/-]*/g;

describe.each(targets)('kubectl kustomize deploy/kubernetes/%s', (target) => {
  let objects: KubernetesObject[];
  beforeAll(() => {
    objects = render(target);
  });

  it('renders objects that all validate against the Kubernetes schemas', async () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      const models = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = models[object.kind];
      expect(Model, `${object.apiVersion} ${object.kind} has a schema`).toBeDefined();
      expect(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    expect(new Set(objects.map((o) => o.kind))).toEqual(
      new Set(['Namespace', 'ServiceAccount', 'ConfigMap', 'Deployment', 'Job', 'Service', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget']),
    );
  });

  it('holds no key: no Secret object, no key-like setting in the ConfigMap, every key-like variable from a secretKeyRef', () => {
    expect(byKind(objects, 'Secret')).toEqual([]);
    for (const configMap of byKind(objects, 'ConfigMap')) {
      for (const name of Object.keys(configMap.data ?? {})) {
        expect(name, 'a ConfigMap setting').not.toMatch(SECRET_NAME);
        expect(knownVariables, `${name} is a variable the app knows`).toContain(name);
      }
    }
    for (const workload of workloads(objects)) {
      const container = containerOf(workload);
      for (const variable of container.env ?? []) {
        expect(knownVariables, `${variable.name} is a variable the app knows`).toContain(variable.name);
        if (!SECRET_NAME.test(variable.name)) continue;
        expect(variable.value, `${workload.metadata.name}: ${variable.name} has no literal value`).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef?.key, `${workload.metadata.name}: ${variable.name} comes from a Secret`).toBe(variable.name);
      }
      for (const source of container.envFrom ?? []) expect(source.secretRef, 'Secrets are referenced key by key').toBeUndefined();
    }
  });

  it('runs every pod as non-root, read-only, without capabilities or an API token, with resources and a pinned image', () => {
    const images = new Set<string>();
    for (const workload of workloads(objects)) {
      const { spec } = podSpec(workload);
      const name = workload.metadata.name;
      expect(spec.securityContext?.runAsNonRoot, name).toBe(true);
      expect(spec.securityContext?.seccompProfile?.type, name).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken, name).toBe(false);
      expect(named(objects, 'ServiceAccount', spec.serviceAccountName!).metadata.name).toBe(spec.serviceAccountName);
      const container = containerOf(workload);
      expect(container.securityContext, name).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources?.requests, name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits?.memory, name).toEqual(expect.any(String));
      // Writable paths are volumes of the pod's own.
      const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
      for (const mount of container.volumeMounts ?? []) expect(volumes, `${name} mounts ${mount.name}`).toContain(mount.name);
      expect(container.image, name).toMatch(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+:[\w][\w.-]*$/);
      expect(container.image!.split(':').pop(), name).not.toBe('latest');
      images.add(container.image!);
    }
    expect(images.size, 'one image for the app, the worker and the migration').toBe(1);
  });

  it('probes the app for liveness and readiness on its named port', () => {
    const app = containerOf(named(objects, 'Deployment', 'secret-inventory-app'));
    expect(app.livenessProbe?.httpGet?.path).toBe('/api/health/live');
    expect(app.readinessProbe?.httpGet?.path).toBe('/api/health/ready');
    expect(app.startupProbe?.httpGet?.path).toBe('/api/health/live');
    const ports = new Map((app.ports ?? []).map((p) => [p.name, p.containerPort]));
    for (const probe of [app.livenessProbe, app.readinessProbe, app.startupProbe]) expect(ports.get(String(probe?.httpGet?.port))).toBe(3000);
  });

  it('runs the worker and the migration as docker-compose.yml does, the migration alone as the owner role', () => {
    const app = containerOf(named(objects, 'Deployment', 'secret-inventory-app'));
    expect(app.command, 'the image’s own command').toBeUndefined();
    expect(envOf(app, 'WORKER')?.value).toBe('off');
    expect(envOf(app, 'MIGRATE')?.value).toBe('off');
    expect(containerOf(named(objects, 'Deployment', 'secret-inventory-worker')).command).toEqual(compose.services.worker.command);
    const migrate = containerOf(named(objects, 'Job', 'secret-inventory-migrate'));
    expect(migrate.command).toEqual(compose.services.migrate.command);
    const owner = envOf(migrate, 'MIGRATION_DATABASE_URL')?.valueFrom?.secretKeyRef;
    expect(owner?.name).toEqual(expect.any(String));
    expect(owner?.optional).toBeFalsy();
    expect(envOf(migrate, 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toEqual(expect.any(String));
    // Nothing else sees the owner's Secret.
    for (const workload of byKind(objects, 'Deployment')) {
      const container = containerOf(workload);
      expect(envOf(container, 'MIGRATION_DATABASE_URL'), workload.metadata.name).toBeUndefined();
      expect(container.env?.filter((e) => e.valueFrom?.secretKeyRef?.name === owner?.name) ?? [], workload.metadata.name).toEqual([]);
    }
  });

  it('exposes the app through a TLS Ingress and its Service only, and keeps one replica through disruptions', () => {
    const appLabels = podSpec(named(objects, 'Deployment', 'secret-inventory-app')).metadata.labels;
    const workerLabels = podSpec(named(objects, 'Deployment', 'secret-inventory-worker')).metadata.labels;
    const service = named(objects, 'Service', 'secret-inventory').spec as { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
    expect(selects(service.selector, appLabels)).toBe(true);
    expect(selects(service.selector, workerLabels)).toBe(false);
    const ingress = named(objects, 'Ingress', 'secret-inventory').spec as {
      tls: { hosts: string[]; secretName: string }[];
      rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[];
    };
    expect(ingress.tls[0].secretName).toEqual(expect.any(String));
    for (const rule of ingress.rules) {
      expect(ingress.tls.flatMap((t) => t.hosts)).toContain(rule.host);
      for (const p of rule.http.paths) expect(p.backend.service.name).toBe('secret-inventory');
    }
    const budget = named(objects, 'PodDisruptionBudget', 'secret-inventory-app').spec as {
      minAvailable: number;
      selector: { matchLabels: Record<string, string> };
    };
    expect(selects(budget.selector.matchLabels, appLabels)).toBe(true);
    expect(budget.minAvailable).toBeLessThan((named(objects, 'Deployment', 'secret-inventory-app').spec as { replicas: number }).replicas);
  });

  it('denies all traffic but the ingress controller to the app and DNS, PostgreSQL and HTTPS out', () => {
    type Policy = {
      podSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
      policyTypes: string[];
      ingress?: { from: unknown[]; ports: { port: number }[] }[];
      egress?: { ports: { port: number }[] }[];
    };
    const policies = byKind(objects, 'NetworkPolicy').map((p) => p.spec as Policy);
    const appliesTo = (policy: Policy, component: string) => {
      const { matchLabels = {}, matchExpressions = [] } = policy.podSelector;
      const labels = { 'app.kubernetes.io/component': component };
      return selects(matchLabels, labels) && matchExpressions.every((e) => e.operator === 'In' && e.values.includes(component));
    };
    expect(policies.some((p) => Object.keys(p.podSelector).length === 0 && p.policyTypes.join() === 'Ingress,Egress' && !p.ingress && !p.egress)).toBe(true);
    const ingressPorts = (component: string) => policies.filter((p) => appliesTo(p, component)).flatMap((p) => p.ingress ?? []);
    expect(ingressPorts('app').flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([3000]);
    expect(ingressPorts('worker')).toEqual([]);
    expect(ingressPorts('migrate')).toEqual([]);
    const egressPorts = (component: string) =>
      new Set(policies.filter((p) => appliesTo(p, component)).flatMap((p) => (p.egress ?? []).flatMap((r) => r.ports.map((x) => x.port))));
    expect([...egressPorts('migrate')].sort()).toEqual([53, 5432]);
    for (const component of ['app', 'worker'])
      for (const port of [53, 5432, 443]) expect(egressPorts(component), `${component} reaches ${port}`).toContain(port);
  });
});

it('probes only health paths the app serves, in the manifests, the Dockerfile and docker-compose.yml alike', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const composePaths = Object.values(compose.services).flatMap((s) => (s.healthcheck?.test ?? []).join(' ').match(HEALTH_PATH) ?? []);
  const manifestPaths = targets.flatMap((target) =>
    byKind(render(target), 'Deployment').flatMap((d) => {
      const c = containerOf(d);
      return [c.livenessProbe, c.readinessProbe, c.startupProbe].flatMap((probe) => probe?.httpGet?.path ?? []);
    }),
  );
  expect(composePaths.length).toBeGreaterThan(0);
  expect(manifestPaths.length).toBeGreaterThan(0);
  for (const urlPath of new Set([...(dockerfile.match(HEALTH_PATH) ?? []), ...composePaths, ...manifestPaths])) {
    expect(existsSync(path.join(root, 'app', ...urlPath.split('/').filter(Boolean), 'route.ts')), `app${urlPath}/route.ts`).toBe(true);
  }
});

describe('workload identity', () => {
  const cloudAccounts = (target: string) => byKind(render(target), 'ServiceAccount').filter((a) => /-(app|worker)$/.test(a.metadata.name));

  it('binds the app and the worker, not the migration, to an AWS role (IRSA) and a Google service account (GKE)', () => {
    const aws = cloudAccounts('overlays/aws');
    expect(aws).toHaveLength(2);
    for (const account of aws) expect(account.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const gke = cloudAccounts('overlays/gke');
    expect(gke).toHaveLength(2);
    for (const account of gke) expect(account.metadata.annotations?.['iam.gke.io/gcp-service-account']).toMatch(/^[\w-]+@[\w-]+\.iam\.gserviceaccount\.com$/);
    for (const target of targets) expect(named(render(target), 'ServiceAccount', 'secret-inventory-migrate').metadata.annotations, target).toBeUndefined();
  });
});
