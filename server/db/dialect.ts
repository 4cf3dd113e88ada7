/** The SQL dialects the ledger runs on; migrations branch on it, so it lives apart from the runner. */
export type Dialect = 'sqlite' | 'postgres';
