/** A contact's record page in HubSpot; app.hubspot.com forwards to the portal's data centre. */
export function contactUrl(portalId: number, contactId: string): string {
  return `https://app.hubspot.com/contacts/${portalId}/record/0-1/${contactId}`;
}
