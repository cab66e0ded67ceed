#!/usr/bin/env node
// Offline validation of the deployment files: the Kubernetes base (schema per apiVersion/kind with
// kubernetes-models, plus our own policies), docker-compose.yml, the Dockerfile and .dockerignore.
// Called by scripts/validate-deploy.sh; runs on its own too:
//   node scripts/validate-k8s.js [--built <kustomize build output>] [--prior <checks passed before>]
// Without --built it renders k8s/base itself (resources + namespace only). With --built it also
// checks that its own rendering agrees with kustomize, so the fallback cannot silently drift.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS Node script (package.json has no "type": "module") */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const BASE = path.join(ROOT, 'k8s', 'base');
const NAMESPACE = 'custos';
const PART_OF = 'app.kubernetes.io/part-of';
const NAME = 'app.kubernetes.io/name';
const UID = 10001;

// The contract every deployment file must honour: service -> port and the variables it reads.
// `secret` variables must come from a Secret (k8s) or an interpolation (compose), never a literal.
const COMMON_ENV = ['HTTP_HOST', 'HTTP_PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_TOPIC_PARTITIONS', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS', 'LOG_LEVEL'];
const SERVICES = {
  gateway: {
    port: 8080,
    env: [
      'INTERNAL_TOKEN_SECRET',
      'BOOTSTRAP_ADMIN_API_KEY',
      'TRACKING_URL',
      'REGISTRY_URL',
      'AUTHZ_URL',
      'AUDIT_URL',
      'TRUSTED_PROXIES',
      'MLFLOW_UI_DIR',
      'AI_CREDENTIAL_MASTER_KEYS',
      'AI_CREDENTIAL_ACTIVE_KEY_ID',
    ],
  },
  tracking: { port: 8081, env: ['INTERNAL_TOKEN_KEY', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'ARTIFACTS_BUCKET', 'ARTIFACT_MASTER_KEYS', 'ARTIFACT_ACTIVE_KEY_ID'], s3: true },
  registry: { port: 8082, env: ['INTERNAL_TOKEN_KEY'] },
  authz: { port: 8083, env: ['INTERNAL_TOKEN_KEY'] },
  audit: { port: 8084, env: ['INTERNAL_TOKEN_KEY', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'AUDIT_CHECKPOINT_BUCKET', 'AUDIT_SIGNING_KEY'], s3: true },
};
// Where the gateway image carries MLflow's web UI (Dockerfile stage mlflow-ui, decision 035).
const MLFLOW_UI_DIR = '/app/mlflow-ui';
const SECRET_ENV = new Set([
  'DATABASE_URL',
  'INTERNAL_TOKEN_SECRET',
  'INTERNAL_TOKEN_KEY',
  'BOOTSTRAP_ADMIN_API_KEY',
  'S3_SECRET_KEY',
  'ARTIFACT_MASTER_KEYS',
  'AI_CREDENTIAL_MASTER_KEYS',
  'AUDIT_SIGNING_KEY',
]);
const BACKENDS = Object.keys(SERVICES).filter((s) => s !== 'gateway');
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

// ---------------------------------------------------------------------------------------------
let passed = 0;
const failures = [];
function check(ok, message) {
  if (ok) passed += 1;
  else failures.push(message);
  return Boolean(ok);
}

function parseArgs(argv) {
  const args = { built: null, prior: 0 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--built') args.built = argv[++i];
    else if (argv[i] === '--prior') args.prior = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(args.prior) || args.prior < 0) throw new Error('--prior takes a count');
  return args;
}

function readDocs(file) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = YAML.parseAllDocuments(text);
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${path.relative(ROOT, file)}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

// The subset of kustomize this base uses: resources (files or directories) and namespace.
// Anything else is refused, so the fallback never pretends to render what it cannot.
function renderKustomization(dir) {
  const kfile = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!kfile) throw new Error(`${path.relative(ROOT, dir)}: no kustomization.yaml`);
  const k = YAML.parse(fs.readFileSync(kfile, 'utf8'));
  const supported = new Set(['apiVersion', 'kind', 'namespace', 'resources']);
  const extra = Object.keys(k).filter((key) => !supported.has(key));
  if (extra.length) {
    throw new Error(
      `${path.relative(ROOT, kfile)} uses ${extra.join(', ')}, which the offline fallback does not ` +
        'render; install kustomize (scripts/validate-deploy.sh does) or keep the base to resources + namespace',
    );
  }
  const objects = [];
  for (const res of k.resources || []) {
    if (/^[a-z]+:\/\//i.test(res) || res.includes('?ref=')) throw new Error(`remote resource ${res} cannot be rendered offline`);
    const p = path.resolve(dir, res);
    if (!fs.existsSync(p)) throw new Error(`${path.relative(ROOT, kfile)}: resource ${res} does not exist`);
    objects.push(...(fs.statSync(p).isDirectory() ? renderKustomization(p) : readDocs(p)));
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata = { ...o.metadata, namespace: k.namespace };
  }
  return objects;
}

function normalize(value) {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, normalize(value[key])]),
    );
  }
  return value;
}
const idOf = (o) => `${o.kind}/${o.metadata && o.metadata.name}`;

// ---------------------------------------------------------------------------------------------
// Schema validation with kubernetes-models (v4): apiVersion "apps/v1" -> kubernetes-models/apps/v1.
function validateSchema(o, where) {
  let mod;
  try {
    mod = require(`kubernetes-models/${o.apiVersion}`);
  } catch {
    return check(false, `${where}: apiVersion ${o.apiVersion} is unknown to kubernetes-models`);
  }
  const Model = mod[o.kind];
  if (!check(typeof Model === 'function', `${where}: kind ${o.kind} does not exist in ${o.apiVersion}`)) return false;
  try {
    new Model(o).validate();
    return check(true);
  } catch (err) {
    const details = (err.errors || []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    return check(false, `${where}: schema validation failed: ${details || err.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
function selectorMatches(selector, labels) {
  if (!selector) return false;
  const ml = selector.matchLabels || {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function quantity(q, kind) {
  const s = String(q);
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m) return NaN;
  const n = Number(m[1]);
  const units = kind === 'cpu' ? { '': 1, m: 1e-3 } : { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return units[m[2]] === undefined ? NaN : n * units[m[2]];
}

function probeOk(probe, route, container) {
  if (!probe || !probe.httpGet || probe.httpGet.path !== route) return false;
  const port = probe.httpGet.port;
  return (container.ports || []).some((p) => p.name === port || p.containerPort === port);
}

function checkDeployment(svc, dep, ctx) {
  const where = `Deployment ${svc}`;
  const spec = dep.spec || {};
  const tpl = spec.template || {};
  const podLabels = (tpl.metadata && tpl.metadata.labels) || {};
  const pod = tpl.spec || {};
  const podSc = pod.securityContext || {};
  check(podLabels[NAME] === svc && podLabels[PART_OF] === 'custos', `${where}: pod template needs labels ${NAME}: ${svc} and ${PART_OF}: custos`);
  check(selectorMatches(spec.selector, podLabels), `${where}: selector does not match its pod template labels`);
  check(spec.replicas === undefined, `${where}: drop spec.replicas, the HorizontalPodAutoscaler owns it`);
  check(pod.automountServiceAccountToken === false, `${where}: set automountServiceAccountToken: false (no API access needed)`);
  check(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, `${where}: must not use host namespaces`);
  check(podSc.runAsNonRoot === true, `${where}: pod securityContext.runAsNonRoot must be true`);
  check(podSc.runAsUser === UID, `${where}: pod securityContext.runAsUser must be ${UID}`);
  check((podSc.seccompProfile || {}).type === 'RuntimeDefault', `${where}: pod seccompProfile must be RuntimeDefault`);

  const containers = pod.containers || [];
  if (!check(containers.length === 1 && containers[0].name === svc, `${where}: expected one container named ${svc}`)) return;
  const c = containers[0];
  const sc = c.securityContext || {};
  const cw = `${where} container ${c.name}`;
  check(
    /^[^:@]+(:[^:@]+)?(@sha256:[0-9a-f]{64})?$/.test(c.image || '') && /[:@]/.test(c.image) && !/:latest$/.test(c.image),
    `${cw}: image "${c.image}" must be pinned to a tag or digest (not latest)`,
  );
  check(
    (c.ports || []).some((p) => p.name === 'http' && p.containerPort === SERVICES[svc].port),
    `${cw}: needs a port named http on ${SERVICES[svc].port}`,
  );
  const res = c.resources || {};
  for (const kind of ['cpu', 'memory']) {
    const req = (res.requests || {})[kind];
    const lim = (res.limits || {})[kind];
    const hasRequest = check(req !== undefined, `${cw}: resources.requests.${kind} missing`);
    const hasLimit = check(lim !== undefined, `${cw}: resources.limits.${kind} missing`);
    if (hasRequest && hasLimit) {
      check(quantity(req, kind) <= quantity(lim, kind), `${cw}: ${kind} request ${req} exceeds limit ${lim}`);
    }
  }
  check(probeOk(c.livenessProbe, '/health/live', c), `${cw}: livenessProbe must be httpGet /health/live on a container port`);
  check(probeOk(c.readinessProbe, '/health/ready', c), `${cw}: readinessProbe must be httpGet /health/ready on a container port`);
  check(probeOk(c.startupProbe, '/health/live', c), `${cw}: startupProbe must be httpGet /health/live on a container port`);
  check(sc.runAsNonRoot === true || podSc.runAsNonRoot === true, `${cw}: runAsNonRoot must be true`);
  check((sc.runAsUser ?? podSc.runAsUser) === UID, `${cw}: must run as uid ${UID}`);
  check(sc.readOnlyRootFilesystem === true, `${cw}: readOnlyRootFilesystem must be true`);
  check(sc.allowPrivilegeEscalation === false, `${cw}: allowPrivilegeEscalation must be false`);
  check(sc.privileged !== true, `${cw}: must not be privileged`);
  check(((sc.capabilities || {}).drop || []).includes('ALL') && !((sc.capabilities || {}).add || []).length, `${cw}: capabilities must drop ALL and add none`);
  check((sc.seccompProfile || podSc.seccompProfile || {}).type === 'RuntimeDefault', `${cw}: seccompProfile must be RuntimeDefault`);
  const tmp = (c.volumeMounts || []).find((m) => m.mountPath === '/tmp');
  const tmpVol = tmp && (pod.volumes || []).find((v) => v.name === tmp.name);
  check(tmpVol && tmpVol.emptyDir, `${cw}: /tmp must be an emptyDir mount (the root filesystem is read-only)`);

  // Environment: the contract, each variable once, references resolvable, secrets never literal.
  const env = c.env || [];
  const names = env.map((e) => e.name);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  check(!dupes.length, `${cw}: duplicate env ${[...new Set(dupes)].join(', ')}`);
  check(!(c.envFrom || []).length, `${cw}: use explicit env entries, not envFrom, so each service gets only what it reads`);
  for (const name of [...COMMON_ENV, ...SERVICES[svc].env]) {
    const e = env.find((x) => x.name === name);
    if (!check(e, `${cw}: env ${name} missing`)) continue;
    if (SECRET_ENV.has(name)) check(e.valueFrom && e.valueFrom.secretKeyRef, `${cw}: env ${name} is secret and must come from secretKeyRef`);
  }
  // Whoever holds the root secret can mint a token any service accepts (decision 039).
  check(svc === 'gateway' || !names.includes('INTERNAL_TOKEN_SECRET'), `${cw}: only the gateway may have INTERNAL_TOKEN_SECRET`);
  const tokenKey = ((env.find((x) => x.name === 'INTERNAL_TOKEN_KEY') || {}).valueFrom || {}).secretKeyRef;
  check(svc === 'gateway' || (tokenKey && tokenKey.key === `${svc}-internal-token-key`), `${cw}: INTERNAL_TOKEN_KEY must be the Secret's ${svc}-internal-token-key`);
  const port = env.find((x) => x.name === 'HTTP_PORT');
  check(port && port.value === String(SERVICES[svc].port), `${cw}: HTTP_PORT must be "${SERVICES[svc].port}"`);
  const uiDir = env.find((x) => x.name === 'MLFLOW_UI_DIR');
  check(svc === 'gateway' ? uiDir && uiDir.value === MLFLOW_UI_DIR : !uiDir, `${cw}: MLFLOW_UI_DIR must be "${MLFLOW_UI_DIR}" (where the image has the UI) on the gateway only`);
  for (const e of env) {
    const ref = e.valueFrom || {};
    if (ref.secretKeyRef) {
      check(
        ref.secretKeyRef.name === 'custos-secrets' && ctx.secretKeys.has(ref.secretKeyRef.key),
        `${cw}: env ${e.name} references secret ${ref.secretKeyRef.name}/${ref.secretKeyRef.key}, not a key of custos-secrets in secrets.example.yaml`,
      );
    }
    if (ref.configMapKeyRef) {
      check(
        ref.configMapKeyRef.name === 'custos-config' && ctx.configKeys.has(ref.configMapKeyRef.key),
        `${cw}: env ${e.name} references configmap ${ref.configMapKeyRef.name}/${ref.configMapKeyRef.key}, which custos-config lacks`,
      );
    }
  }
  const dbUrlKey = ((env.find((x) => x.name === 'DATABASE_URL') || {}).valueFrom || {}).secretKeyRef;
  check(dbUrlKey && dbUrlKey.key === `${svc}-database-url`, `${cw}: DATABASE_URL must use the secret key ${svc}-database-url (one role per database)`);

  // Metrics on a port of their own, never the API port (decision 026), and the scrape annotation on it.
  const metrics = (c.ports || []).find((p) => p.name === 'metrics');
  const annotations = (tpl.metadata && tpl.metadata.annotations) || {};
  if (check(metrics && metrics.containerPort !== SERVICES[svc].port, `${cw}: needs a port named metrics, other than the http port`)) {
    const metricsEnv = env.find((x) => x.name === 'METRICS_PORT');
    check(metricsEnv && metricsEnv.value === String(metrics.containerPort), `${cw}: METRICS_PORT must be "${metrics.containerPort}" (its metrics port)`);
    check(
      annotations['prometheus.io/port'] === undefined || annotations['prometheus.io/port'] === String(metrics.containerPort),
      `${where}: prometheus.io/port must name the metrics port ${metrics.containerPort}`,
    );
  }
}

function checkCompanions(svc, dep, byKind) {
  const podLabels = dep.spec.template.metadata.labels;
  const s = byKind('Service', svc);
  if (check(s, `Service ${svc} missing`)) {
    check(selectorMatches({ matchLabels: s.spec.selector }, podLabels), `Service ${svc}: selector does not match the Deployment's pods`);
    check(
      (s.spec.ports || []).some((p) => p.port === SERVICES[svc].port && (p.targetPort === 'http' || p.targetPort === SERVICES[svc].port)),
      `Service ${svc}: must expose port ${SERVICES[svc].port} to the container's http port`,
    );
    check(!(s.spec.ports || []).some((p) => p.targetPort === 'metrics' || p.port === SERVICES[svc].port + 1000), `Service ${svc}: must not expose the metrics port`);
    check(svc === 'gateway' || (s.spec.type || 'ClusterIP') === 'ClusterIP', `Service ${svc}: backends must be ClusterIP (only the gateway may be exposed)`);
  }
  const hpa = byKind('HorizontalPodAutoscaler', svc);
  if (check(hpa, `HorizontalPodAutoscaler ${svc} missing`)) {
    check(hpa.apiVersion === 'autoscaling/v2', `HorizontalPodAutoscaler ${svc}: must be autoscaling/v2`);
    const ref = hpa.spec.scaleTargetRef || {};
    check(ref.kind === 'Deployment' && ref.name === svc && ref.apiVersion === 'apps/v1', `HorizontalPodAutoscaler ${svc}: must target Deployment ${svc}`);
    check(
      (hpa.spec.metrics || []).some((m) => m.type === 'Resource' && m.resource && m.resource.name === 'cpu'),
      `HorizontalPodAutoscaler ${svc}: needs a CPU resource metric`,
    );
    check(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas, `HorizontalPodAutoscaler ${svc}: minReplicas must be >= 2 (else the PDB blocks drains) and <= maxReplicas`);
  }
  const pdb = byKind('PodDisruptionBudget', svc);
  if (check(pdb, `PodDisruptionBudget ${svc} missing`)) {
    check(pdb.apiVersion === 'policy/v1' && pdb.spec.minAvailable === 1, `PodDisruptionBudget ${svc}: must be policy/v1 with minAvailable 1`);
    check(selectorMatches(pdb.spec.selector, podLabels), `PodDisruptionBudget ${svc}: selector does not match the Deployment's pods`);
  }
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy semantics, enough to answer "who can reach whom": a pod is isolated for a
// direction once any policy selecting it lists that type; then only the union of rules applies.
function policiesFor(policies, labels, type) {
  return policies.filter((p) => selectorMatches(p.spec.podSelector, labels) && (p.spec.policyTypes || ['Ingress']).includes(type));
}
const portAllowed = (rule, port, protocol = 'TCP') => !rule.ports || !rule.ports.length || rule.ports.some((p) => (p.protocol || 'TCP') === protocol && (p.port === undefined || p.port === port));

function checkNetworkPolicies(policies, pods) {
  const denyAll = policies.find((p) => Object.keys(p.spec.podSelector || {}).length === 0 && (p.spec.policyTypes || []).includes('Ingress') && !(p.spec.ingress || []).length);
  check(denyAll, 'NetworkPolicy: a default-deny ingress policy (podSelector: {}, no ingress rules) is required');
  check(denyAll && (denyAll.spec.policyTypes || []).includes('Egress') && !(denyAll.spec.egress || []).length, 'NetworkPolicy: the default-deny policy must deny egress too');
  const gatewayLabels = pods.gateway;

  for (const [svc, labels] of Object.entries(pods)) {
    const port = SERVICES[svc].port;
    const ingress = policiesFor(policies, labels, 'Ingress').flatMap((p) => (p.spec.ingress || []).map((r) => ({ p, r })));
    check(
      ingress.some(({ r }) => portAllowed(r, port)),
      `NetworkPolicy: nothing admits traffic to ${svc} on ${port}`,
    );
    for (const { p, r } of ingress) {
      const from = r.from || [];
      const where = `NetworkPolicy ${p.metadata.name} (ingress to ${svc})`;
      if (svc === 'gateway') {
        check((r.ports || []).length && r.ports.every((x) => x.port === port && (x.protocol || 'TCP') === 'TCP'), `${where}: the gateway may be opened on TCP ${port} only`);
        continue;
      }
      check(from.length > 0, `${where}: a rule without "from" opens ${svc} to everyone; only the gateway may be public`);
      for (const peer of from) {
        check(!peer.ipBlock && !peer.namespaceSelector, `${where}: ipBlock/namespaceSelector peers make ${svc} reachable from outside the namespace`);
        const selected = Object.entries(pods)
          .filter(([, l]) => peer.podSelector && selectorMatches(peer.podSelector, l))
          .map(([n]) => n);
        check(
          peer.podSelector &&
            selectorMatches(peer.podSelector, gatewayLabels) &&
            selected.every((n) => n === 'gateway') &&
            peer.podSelector.matchLabels &&
            peer.podSelector.matchLabels[NAME] === 'gateway',
          `${where}: peers must be exactly the gateway pods (${NAME}: gateway), got ${JSON.stringify(peer)}`,
        );
      }
    }

    const egress = policiesFor(policies, labels, 'Egress').flatMap((p) => p.spec.egress || []);
    check(
      egress.some((r) => portAllowed(r, 53, 'UDP')),
      `NetworkPolicy: ${svc} cannot resolve DNS (egress UDP 53)`,
    );
    check(
      egress.some((r) => portAllowed(r, 5432)),
      `NetworkPolicy: ${svc} has no egress to PostgreSQL 5432`,
    );
    check(
      egress.some((r) => portAllowed(r, 9092)),
      `NetworkPolicy: ${svc} has no egress to Kafka 9092`,
    );
    check(egress.some((r) => portAllowed(r, 9000)) === Boolean(SERVICES[svc].s3), `NetworkPolicy: S3 egress (9000) must be allowed exactly for tracking and audit (${svc})`);
    if (svc === 'gateway') {
      for (const b of BACKENDS) {
        check(
          egress.some((r) => portAllowed(r, SERVICES[b].port) && (r.to || []).some((peer) => peer.podSelector && !peer.namespaceSelector && selectorMatches(peer.podSelector, pods[b]))),
          `NetworkPolicy: the gateway has no egress to ${b} on ${SERVICES[b].port}`,
        );
      }
    } else {
      check(
        !egress.some((r) =>
          BACKENDS.concat('gateway').some(
            (o) => o !== svc && portAllowed(r, SERVICES[o].port) && (!(r.to || []).length || (r.to || []).some((peer) => peer.podSelector && selectorMatches(peer.podSelector, pods[o]))),
          ),
        ),
        `NetworkPolicy: ${svc} may not call other services over HTTP (only Kafka events)`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
function checkK8s(args) {
  const rendered = renderKustomization(BASE);
  let objects = rendered;
  if (args.built) {
    objects = readDocs(path.resolve(args.built));
    const a = new Map(rendered.map((o) => [idOf(o), JSON.stringify(normalize(o))]));
    const b = new Map(objects.map((o) => [idOf(o), JSON.stringify(normalize(o))]));
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((id) => a.get(id) !== b.get(id));
    check(!differing.length, `the offline renderer disagrees with kustomize on ${differing.join(', ')}`);
  }
  check(objects.length > 0, 'k8s/base renders no objects');

  const ids = objects.map(idOf);
  const dupIds = ids.filter((id, i) => ids.indexOf(id) !== i);
  check(!dupIds.length, `duplicate objects: ${dupIds.join(', ')}`);
  for (const o of objects) {
    const where = `${idOf(o)}`;
    validateSchema(o, where);
    const labels = (o.metadata && o.metadata.labels) || {};
    check(labels[PART_OF] === 'custos', `${where}: label ${PART_OF}: custos missing`);
    if (!CLUSTER_SCOPED.has(o.kind)) check(o.metadata.namespace === NAMESPACE, `${where}: must be in namespace ${NAMESPACE}`);
    check(o.kind !== 'Secret', `${where}: the base must not contain Secrets (see secrets.example.yaml)`);
    if (['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(o.kind)) {
      check(labels[NAME] === o.metadata.name, `${where}: label ${NAME} must be ${o.metadata.name}`);
    }
  }
  check(
    objects.some((o) => o.kind === 'Namespace' && o.metadata.name === NAMESPACE),
    `Namespace ${NAMESPACE} missing`,
  );

  // secrets.example.yaml: valid, the only place Secret keys are listed, and not a resource.
  const kustomization = YAML.parse(fs.readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8'));
  check(!(kustomization.resources || []).some((r) => path.basename(r) === 'secrets.example.yaml'), 'kustomization.yaml must not list secrets.example.yaml as a resource');
  const examples = readDocs(path.join(BASE, 'secrets.example.yaml'));
  const secret = examples.find((o) => o.kind === 'Secret' && o.metadata.name === 'custos-secrets');
  check(secret, 'secrets.example.yaml must hold Secret custos-secrets');
  if (secret) validateSchema(secret, 'secrets.example.yaml Secret/custos-secrets');
  const secretKeys = new Set(Object.keys({ ...(secret && secret.data), ...(secret && secret.stringData) }));
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'custos-config');
  check(cm, 'ConfigMap custos-config missing');
  const configKeys = new Set(Object.keys((cm && cm.data) || {}));
  // The alert rules are a Prometheus rules file inside a ConfigMap: it must parse as one.
  const rules = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'custos-alert-rules');
  if (check(rules && rules.data && typeof rules.data['custos-rules.yaml'] === 'string', 'ConfigMap custos-alert-rules with custos-rules.yaml missing')) {
    const groups = (YAML.parse(rules.data['custos-rules.yaml']) || {}).groups || [];
    const all = groups.flatMap((g) => g.rules || []);
    check(all.length > 0, 'custos-alert-rules: no rules');
    for (const r of all) {
      check(
        typeof r.alert === 'string' && typeof r.expr === 'string' && r.labels && ['warning', 'critical'].includes(r.labels.severity),
        `custos-alert-rules: rule ${r.alert || '?'} needs alert, expr and a severity of warning or critical`,
      );
    }
  }
  for (const key of configKeys) {
    check(!SECRET_ENV.has(key) && !/SECRET|PASSWORD|PRIVATE/i.test(key), `ConfigMap custos-config: ${key} looks secret; move it to custos-secrets`);
  }

  const byKind = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const pods = {};
  for (const svc of Object.keys(SERVICES)) {
    const dep = byKind('Deployment', svc);
    if (!check(dep, `Deployment ${svc} missing`)) continue;
    checkDeployment(svc, dep, { secretKeys, configKeys });
    checkCompanions(svc, dep, byKind);
    pods[svc] = dep.spec.template.metadata.labels || {};
  }
  const extraDeployments = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && !SERVICES[o.metadata.name]);
  check(!extraDeployments.length, `unexpected workloads: ${extraDeployments.map(idOf).join(', ')}`);
  const exposing = objects.filter(
    (o) =>
      (o.kind === 'Ingress' && JSON.stringify(o.spec).match(/"name":"(tracking|registry|authz|audit)"/)) ||
      (o.kind === 'Service' && o.metadata.name !== 'gateway' && ['NodePort', 'LoadBalancer'].includes(o.spec.type)),
  );
  check(!exposing.length, `only the gateway may be exposed: ${exposing.map(idOf).join(', ')}`);
  if (pods.gateway)
    checkNetworkPolicies(
      objects.filter((o) => o.kind === 'NetworkPolicy'),
      pods,
    );
}

// ---------------------------------------------------------------------------------------------
function checkCompose() {
  const file = path.join(ROOT, 'docker-compose.yml');
  const text = fs.readFileSync(file, 'utf8');
  const compose = YAML.parse(text, { merge: true });
  const services = compose.services || {};
  for (const name of ['postgres', 'kafka', 'minio', ...Object.keys(SERVICES)]) check(services[name], `docker-compose.yml: service ${name} missing`);
  check(/^postgres:15(\.|-|$)/.test((services.postgres || {}).image || ''), 'docker-compose.yml: postgres must be postgres:15');
  check(((services.kafka || {}).image || '') === 'apache/kafka:3.9.1', 'docker-compose.yml: kafka must be apache/kafka:3.9.1');
  check(/^minio\/minio:RELEASE\./.test((services.minio || {}).image || ''), 'docker-compose.yml: minio must be pinned to a RELEASE tag');
  const pgVolumes = ((services.postgres || {}).volumes || []).join('\n');
  check(pgVolumes.includes('./deploy/compose/postgres-init.sql:/docker-entrypoint-initdb.d/'), 'docker-compose.yml: postgres must mount deploy/compose/postgres-init.sql');
  const initSql = fs.readFileSync(path.join(ROOT, 'deploy', 'compose', 'postgres-init.sql'), 'utf8');
  for (const svc of Object.keys(SERVICES)) {
    check(new RegExp(`CREATE DATABASE custos_${svc}\\b`).test(initSql), `postgres-init.sql: does not create custos_${svc}`);
  }

  // Every ${VAR} must be defined by the example env file, or `up` would run with blanks.
  const example = fs.readFileSync(path.join(ROOT, 'deploy', 'compose', 'secrets.env.example'), 'utf8');
  const defined = new Set(
    example
      .split('\n')
      .map((l) => /^([A-Z0-9_]+)=./.exec(l))
      .filter(Boolean)
      .map((m) => m[1]),
  );
  const used = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)[^}]*\}/g)].map((m) => m[1]));
  const undefinedVars = [...used].filter((v) => !defined.has(v));
  check(!undefinedVars.length, `docker-compose.yml uses ${undefinedVars.join(', ')} which deploy/compose/secrets.env.example does not define`);

  for (const [name, s] of Object.entries(services)) {
    const ports = s.ports || [];
    if (name === 'gateway') {
      check(ports.length === 1 && /^127\.0\.0\.1:8080:8080(\/tcp)?$/.test(String(ports[0])), 'docker-compose.yml: gateway must publish exactly 127.0.0.1:8080:8080');
    } else {
      check(!ports.length, `docker-compose.yml: ${name} must not publish ports (only the gateway does)`);
    }
  }
  for (const [svc, spec] of Object.entries(SERVICES)) {
    const s = services[svc];
    if (!s) continue;
    const where = `docker-compose.yml ${svc}`;
    check(s.build && s.build.args && s.build.args.SERVICE === svc && (s.build.context === '.' || s.build.context === './'), `${where}: must build . with args SERVICE: ${svc}`);
    const env = s.environment || {};
    check(!Array.isArray(env), `${where}: use the mapping form of environment`);
    for (const v of [...COMMON_ENV, ...spec.env]) {
      if (!check(Object.prototype.hasOwnProperty.call(env, v), `${where}: env ${v} missing`)) continue;
      if (SECRET_ENV.has(v) && v !== 'DATABASE_URL') check(/^\$\{[A-Z0-9_]+\}$/.test(String(env[v])), `${where}: secret ${v} must be an interpolation, not a literal`);
    }
    check(svc === 'gateway' || !Object.prototype.hasOwnProperty.call(env, 'INTERNAL_TOKEN_SECRET'), `${where}: only the gateway may have INTERNAL_TOKEN_SECRET`);
    check(env.HTTP_HOST === '0.0.0.0' && String(env.HTTP_PORT) === String(spec.port), `${where}: HTTP_HOST must be 0.0.0.0 and HTTP_PORT ${spec.port}`);
    check(
      svc === 'gateway' ? env.MLFLOW_UI_DIR === MLFLOW_UI_DIR : !Object.prototype.hasOwnProperty.call(env, 'MLFLOW_UI_DIR'),
      `${where}: MLFLOW_UI_DIR must be ${MLFLOW_UI_DIR} (where the image has the UI) on the gateway only`,
    );
    check(
      new RegExp(`^postgres://custos_${svc}:\\$\\{[A-Z0-9_]+\\}@postgres:5432/custos_${svc}$`).test(String(env.DATABASE_URL)),
      `${where}: DATABASE_URL must use role and database custos_${svc} with an interpolated password`,
    );
    const deps = s.depends_on || {};
    const needs = ['postgres', 'kafka', ...(spec.s3 ? ['minio'] : []), ...(svc === 'gateway' ? BACKENDS : [])];
    for (const d of needs) {
      check(deps[d] && deps[d].condition === 'service_healthy', `${where}: depends_on ${d} must wait for service_healthy`);
    }
    check(s.healthcheck && JSON.stringify(s.healthcheck.test).includes(`/health/ready`), `${where}: healthcheck must probe /health/ready`);
    check(String(s.user) === `${UID}:${UID}` && s.read_only === true && (s.cap_drop || []).includes('ALL'), `${where}: must run as ${UID}, read-only, with all capabilities dropped`);
  }
}

function checkImageFiles() {
  const df = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const has = (re, msg) => check(re.test(df), `Dockerfile: ${msg}`);
  has(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m, 'build from node:20-bookworm-slim');
  has(/^FROM \$\{NODE_IMAGE\} AS build$/m, 'needs a build stage');
  has(/^FROM \$\{NODE_IMAGE\} AS runtime$/m, 'needs a runtime stage');
  has(/^COPY package\.json package-lock\.json \.\/$/m, 'copy the lock file before installing');
  has(/npm ci --no-audit/, 'install exactly the lock file (npm ci)');
  has(/npm run build\b/, 'run npm run build');
  has(/npm prune --omit=dev/, 'prune dev dependencies');
  has(/^ARG SERVICE$/m, 'declare ARG SERVICE');
  has(/^USER 10001(:10001)?$/m, 'run as USER 10001');
  has(/dist\/apps\/\$SERVICE\/src\/main\.js/, 'start dist/apps/$SERVICE/src/main.js');
  // MLflow's web UI: fetched by its script in a stage of its own, copied to MLFLOW_UI_DIR.
  has(/^FROM \S+ AS mlflow-ui$/m, 'needs an mlflow-ui stage');
  has(/^COPY scripts\/mlflow-ui\.sh /m, 'copy scripts/mlflow-ui.sh into the mlflow-ui stage');
  has(/^COPY conformance\/requirements\.txt /m, 'copy conformance/requirements.txt (the pinned MLflow version) into the mlflow-ui stage');
  has(/bash scripts\/mlflow-ui\.sh fetch/, 'fetch the UI with scripts/mlflow-ui.sh');
  const runtime = df.slice(df.search(/^FROM \$\{NODE_IMAGE\} AS runtime$/m));
  const uiCopy = /^COPY --from=mlflow-ui \/mlflow-ui (\S+)$/m.exec(runtime);
  const workdir = /^WORKDIR (\S+)$/m.exec(runtime);
  check(uiCopy && workdir && path.posix.resolve(workdir[1], uiCopy[1]) === MLFLOW_UI_DIR, `Dockerfile: the runtime stage must copy the mlflow-ui stage's /mlflow-ui to ${MLFLOW_UI_DIR}`);
  const ignore = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  for (const entry of ['**/node_modules', 'dist', '.git', '.data', '.env']) {
    check(ignore.includes(entry), `.dockerignore: must exclude ${entry}`);
  }
  for (const entry of ['scripts', 'scripts/mlflow-ui.sh', 'conformance', 'conformance/requirements.txt']) {
    check(!ignore.includes(entry), `.dockerignore: must not exclude ${entry} (the mlflow-ui stage reads it)`);
  }
}

// `npm ci` (Dockerfile, scripts/deps.sh) refuses a lock file that leaves out another platform's
// optional binary: npm drops them when it rewrites the lock over an existing node_modules.
function checkLockFile() {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const missing = [];
  for (const [where, pkg] of Object.entries(lock.packages)) {
    for (const name of Object.keys(pkg.optionalDependencies || {})) {
      // npm resolves a dependency from the nearest node_modules up the tree.
      const dirs = where ? where.split('/node_modules/').map((_, i, a) => a.slice(0, i + 1).join('/node_modules/')) : [];
      const found = [...dirs.reverse().map((d) => `${d}/node_modules/${name}`), `node_modules/${name}`].some((k) => lock.packages[k]);
      if (!found) missing.push(`${name} (optional for ${where || 'the root'})`);
    }
  }
  check(
    missing.length === 0,
    `package-lock.json: regenerate it without node_modules present; it lacks ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
  );
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  for (const [label, fn] of [
    ['k8s', () => checkK8s(args)],
    ['compose', checkCompose],
    ['image', checkImageFiles],
    ['lock', checkLockFile],
  ]) {
    try {
      fn();
    } catch (err) {
      failures.push(`${label}: ${err && err.message ? err.message : util.inspect(err)}`);
    }
  }
  if (failures.length) {
    console.error(`deploy validation FAILED: ${failures.length} problem(s), ${passed} checks passed`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exit(1);
  }
  console.log(`deploy validation: ${passed + args.prior} checks passed`);
}

main();
