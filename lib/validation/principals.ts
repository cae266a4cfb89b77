// How a system names a database application among its identities (System.principals):
// app:<application_name>, as PostgreSQL's session list shows it. Client addresses are
// written as they are. Shared by the system form's rules and the adoption evidence.
export const APPLICATION_PRINCIPAL_PREFIX = 'app:';
