import type { DocumentStore } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import { Collections, type Agent } from '@hotline/provisioning';
import type { Request } from 'express';
import { isUnrestricted } from '../auth/principal';
import { authorize, type TenantPrincipal } from '../http/authorize';

/** Who is at the desk: the tenant, the agent they work as, and whether they supervise. */
export interface DeskCaller {
  principal: TenantPrincipal;
  tenantId: string;
  /** The agent the caller works as; null for supervisors without a phone, API keys, the admin. */
  agentId: string | null;
  /** Supervisors and tenant admins steer every agent and call of the tenant. */
  supervisor: boolean;
}

export function deskCaller(req: Request): DeskCaller {
  const principal = authorize(req, ['agent', 'supervisor', 'tenant-admin']);
  const unrestricted = isUnrestricted(principal);
  return {
    principal,
    tenantId: principal.tenantId,
    agentId: principal.kind === 'user' ? (principal.agentId ?? null) : null,
    supervisor:
      unrestricted || principal.roles.includes('supervisor') || principal.roles.includes('tenant-admin'),
  };
}

/** Only supervisors and tenant admins. */
export function requireSupervisor(caller: DeskCaller, what: string): void {
  if (!caller.supervisor) throw new HotlineError('forbidden', `only a supervisor may ${what}`);
}

/** The tenant's agent, or 404 (the same answer for another tenant's agent as for none). */
export async function agentOf(store: DocumentStore, tenantId: string, agentId: string): Promise<Agent> {
  const agent = await store.collection<Agent>(Collections.agents).get(agentId);
  if (!agent || agent.tenantId !== tenantId) throw new HotlineError('not_found', `no agent ${agentId}`);
  return agent;
}

/**
 * An agent acts for itself only; a supervisor for any agent of its tenant. Returns the agent
 * and who acts (`by` of agent commands).
 */
export async function actingFor(
  store: DocumentStore,
  caller: DeskCaller,
  agentId: string,
): Promise<{ agent: Agent; by: 'agent' | 'supervisor' }> {
  const self = caller.agentId === agentId;
  if (!self && !caller.supervisor) {
    throw new HotlineError('forbidden', 'an agent may act only for itself');
  }
  const agent = await agentOf(store, caller.tenantId, agentId);
  return { agent, by: self ? 'agent' : 'supervisor' };
}
