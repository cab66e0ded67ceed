import { DefaultPermissionSet, EventData, IdentityProviderConfigured, IdentityProviderRemoved } from '@custos/events';
import { Permission } from '@custos/rbac';
import { DomainEvent, exhaustive } from './domain-event';
import { AuthzError } from './errors';

/**
 * Platform-wide authz settings, one stream: the default permission (what a principal holds on a
 * resource without any grant, MLflow's `default_permission`) and the identity providers the gateway
 * trusts. Settings change rarely, so one stream costs no contention and keeps them in one history.
 */

export const SETTINGS_STREAM_ID = 'authz-settings';

export type IdentityProviderConfig = EventData<typeof IdentityProviderConfigured>;

export type SettingsCommand =
  { type: 'SetDefaultPermission'; permission: Permission } | { type: 'ConfigureIdentityProvider'; provider: unknown } | { type: 'RemoveIdentityProvider'; providerId: string };

export type SettingsEvent =
  | DomainEvent<'authz.DefaultPermissionSet', typeof DefaultPermissionSet>
  | DomainEvent<'authz.IdentityProviderConfigured', typeof IdentityProviderConfigured>
  | DomainEvent<'authz.IdentityProviderRemoved', typeof IdentityProviderRemoved>;

export interface SettingsState {
  /** Null until set: services then fall back to their configured default. */
  defaultPermission: Permission | null;
  providers: Record<string, IdentityProviderConfig>;
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** The name under which the deployment's secret store holds the value, e.g. `LDAP_BIND_PASSWORD`. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_./-]{0,127}$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/** Keys and tokens fetched or presented over plaintext could be swapped in transit; loopback is for local development. */
function requireTls(what: string, raw: string, secureScheme: string): void {
  const url = new URL(raw);
  if (url.protocol !== `${secureScheme}:` && !isLoopback(url)) throw AuthzError.invalid(`${what} must use ${secureScheme}:// (plaintext is accepted only on loopback).`);
}

function validateProvider(raw: unknown): IdentityProviderConfig {
  if (raw && typeof raw === 'object' && 'ldap' in raw) {
    const ldap = (raw as { ldap?: Record<string, unknown> }).ldap;
    if (ldap && typeof ldap === 'object' && ('bindPassword' in ldap || 'bind_password' in ldap)) {
      throw AuthzError.invalid('LDAP bind passwords are never stored: give bindPasswordSecretName, the name of the secret that holds it.');
    }
  }
  const parsed = IdentityProviderConfigured.latest.safeParse(raw);
  if (!parsed.success) {
    throw AuthzError.invalid(`Invalid identity provider: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const p = parsed.data;
  if (!PROVIDER_ID.test(p.providerId)) throw AuthzError.invalid(`Invalid provider id '${p.providerId}': 1-64 lowercase letters, digits, '-' or '_'.`);
  if (p.kind === 'oidc') {
    if (!p.oidc || p.ldap) throw AuthzError.invalid('An OIDC provider needs oidc settings and no ldap settings.');
    requireTls('OIDC issuer', p.oidc.issuer, 'https');
    requireTls('OIDC jwksUri', p.oidc.jwksUri, 'https');
  } else {
    if (!p.ldap || p.oidc) throw AuthzError.invalid('An LDAP provider needs ldap settings and no oidc settings.');
    requireTls('LDAP url', p.ldap.url, 'ldaps');
    if (!p.ldap.userDnTemplate && !p.ldap.searchBase) throw AuthzError.invalid('An LDAP provider needs userDnTemplate or searchBase.');
    if (p.ldap.userDnTemplate !== undefined && !p.ldap.userDnTemplate.includes('{username}')) {
      throw AuthzError.invalid("LDAP userDnTemplate must contain '{username}'.");
    }
    if (Boolean(p.ldap.bindDn) !== Boolean(p.ldap.bindPasswordSecretName)) throw AuthzError.invalid('LDAP bindDn and bindPasswordSecretName go together.');
    if (p.ldap.bindPasswordSecretName !== undefined && !SECRET_NAME.test(p.ldap.bindPasswordSecretName)) {
      throw AuthzError.invalid('LDAP bindPasswordSecretName must be a secret name (letters, digits, _ . / -), not the secret itself.');
    }
  }
  for (const [group, roles] of Object.entries(p.groupRoleMap)) {
    if (group === '' || group.length > 256 || CONTROL_CHARS.test(group)) throw AuthzError.invalid(`Invalid IdP group name '${group}' in groupRoleMap.`);
    if (roles.some((r) => CONTROL_CHARS.test(r))) throw AuthzError.invalid(`Invalid role name in groupRoleMap['${group}'].`);
  }
  return p;
}

function decide(command: SettingsCommand, state: SettingsState): SettingsEvent[] {
  switch (command.type) {
    case 'SetDefaultPermission':
      return state.defaultPermission === command.permission ? [] : [{ type: 'authz.DefaultPermissionSet', data: { permission: command.permission } }];
    case 'ConfigureIdentityProvider': {
      const provider = validateProvider(command.provider);
      const current = Object.prototype.hasOwnProperty.call(state.providers, provider.providerId) ? state.providers[provider.providerId] : undefined;
      if (current && JSON.stringify(current) === JSON.stringify(provider)) return [];
      return [{ type: 'authz.IdentityProviderConfigured', data: provider }];
    }
    case 'RemoveIdentityProvider':
      if (!Object.prototype.hasOwnProperty.call(state.providers, command.providerId)) throw AuthzError.notFound(`Identity provider ${command.providerId} not found`);
      return [{ type: 'authz.IdentityProviderRemoved', data: { providerId: command.providerId } }];
    default:
      exhaustive(command);
      throw AuthzError.invalid('unknown settings command');
  }
}

function evolve(state: SettingsState, event: SettingsEvent): SettingsState {
  switch (event.type) {
    case 'authz.DefaultPermissionSet':
      return { ...state, defaultPermission: event.data.permission };
    case 'authz.IdentityProviderConfigured':
      return { ...state, providers: { ...state.providers, [event.data.providerId]: event.data } };
    case 'authz.IdentityProviderRemoved': {
      const providers = { ...state.providers };
      delete providers[event.data.providerId];
      return { ...state, providers };
    }
    default:
      exhaustive(event);
      return state;
  }
}

export const settingsDecider = {
  initialState: (): SettingsState => ({ defaultPermission: null, providers: {} }),
  decide,
  evolve,
  stateVersion: 1,
};
