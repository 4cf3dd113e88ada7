/**
 * Who changed something, as the audit trail records it. It belongs to the ledger, not to the HTTP
 * layer that authenticates most actors: jobs, the CLI and the sandbox demo act too.
 */
export interface Actor {
  type: 'hubspot_user' | 'workflow' | 'system' | 'admin' | 'public';
  id: string | null;
}
