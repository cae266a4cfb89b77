// The database servers the alternating-users and database-rotation tests run against, one
// shape for both engines: PostgreSQL that checks passwords (./password-postgres.ts) and
// the machine's MariaDB (127.0.0.1:3306, root).
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createMysqlUser, dropMysqlUsers, MARIADB, MARIADB_ABSENT, mysqlScratchDatabase } from './mariadb';
import { canLogIn, startPasswordPostgres } from './password-postgres';

export interface TestDatabaseServer {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number;
  database: string;
  /** The admin credential's JSON fields (what the admin secret holds). */
  adminCredential: Record<string, string | number>;
  /** A login user with the same grants as every other one this server's tests create. */
  createUser(user: string, password: string): Promise<void>;
  canLogIn(user: string, password: string): Promise<boolean>;
  /** The principal a declared system names to claim a consumer's sessions: PostgreSQL
   *  app:<its application name>, MySQL its client address (MySQL sessions carry no program name). */
  principalFor(application: string): string;
  /** Where a second, undeclared consumer connects from (MySQL: another loopback address). */
  strangerAddress?: string;
  stop(): Promise<void>;
}

export const postgresServer = {
  label: 'PostgreSQL',
  async start(): Promise<TestDatabaseServer> {
    const server = await startPasswordPostgres();
    const admin = () => new pg.Client({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password });
    return {
      engine: 'postgres',
      host: server.host,
      port: server.port,
      database: server.database,
      adminCredential: { host: server.host, port: server.port, database: server.database, user: server.user, password: server.password },
      async createUser(user, password) {
        const client = admin();
        await client.connect();
        try {
          await client.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
          await client.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(server.database)} TO ${pg.escapeIdentifier(user)}`);
        } finally {
          await client.end();
        }
      },
      canLogIn: (user, password) => canLogIn(server, user, password),
      principalFor: (application) => `app:${application}`,
      stop: () => server.stop(),
    };
  },
};

export const mariadbServer = {
  label: 'MariaDB',
  async start(): Promise<TestDatabaseServer> {
    const database = await mysqlScratchDatabase();
    return {
      engine: 'mysql',
      host: MARIADB.host,
      port: MARIADB.port,
      database,
      adminCredential: { host: MARIADB.host, port: MARIADB.port, database, user: MARIADB.user, password: MARIADB.password },
      async createUser(user, password) {
        await createMysqlUser(user, password, database);
      },
      async canLogIn(user, password) {
        try {
          const connection = await mysql.createConnection({ host: MARIADB.host, port: MARIADB.port, user, password, database });
          await connection.end();
          return true;
        } catch {
          return false;
        }
      },
      principalFor: () => MARIADB.host,
      strangerAddress: '127.0.0.2',
      stop: () => dropMysqlUsers(),
    };
  },
};

export const databaseServers = MARIADB_ABSENT ? [postgresServer] : [postgresServer, mariadbServer];
