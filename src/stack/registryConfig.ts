export type RegistrySettings = {
  host: string;
  httpPort: number;
  managementPort: number;
  /** Directory of the H2 database file, so schemas survive a restart like Kafka's topics do. */
  dataDir: string;
  logFile: string;
  heapMb: number;
  /** A `-D` property naming the stack directory: identifies our process before we signal a pid. */
  marker: string;
};

/** The Confluent-compatible API root that schema-registry clients use. */
export const registryApiUrl = (host: string, httpPort: number): string => `http://${host}:${httpPort}/apis/ccompat/v7`;

/** Where the registry keeps its schemas; reported by `witness stack status`. */
export const registryStorageDescription = (dataDir: string): string => `H2 database file in ${dataDir} (kept across restarts)`;

/**
 * JVM arguments for Apicurio Registry (a Quarkus application). Both the API
 * and the management interface (whose default port 9000 is often taken) bind
 * to loopback on ports we chose; storage is an H2 file instead of the default
 * in-memory database, because Kafka keeps its data across restarts and the
 * schema ids in its messages must stay resolvable.
 */
export const registryJvmArgs = ({ host, httpPort, managementPort, dataDir, logFile, heapMb, marker }: RegistrySettings): string[] => [
  `-Xmx${heapMb}m`,
  "-XX:+ExitOnOutOfMemoryError",
  "-Djava.awt.headless=true",
  marker,
  `-Dquarkus.http.host=${host}`,
  `-Dquarkus.http.port=${httpPort}`,
  `-Dquarkus.management.host=${host}`,
  `-Dquarkus.management.port=${managementPort}`,
  `-Dapicurio.datasource.url=jdbc:h2:file:${dataDir}/registry`,
  // A local development registry: let tests and developers delete what they registered.
  "-Dapicurio.rest.deletion.group.enabled=true",
  "-Dapicurio.rest.deletion.artifact.enabled=true",
  "-Dapicurio.rest.deletion.artifact-version.enabled=true",
  "-Dquarkus.log.console.enabled=false",
  "-Dquarkus.log.file.enabled=true",
  `-Dquarkus.log.file.path=${logFile}`,
  "-Dquarkus.log.file.rotation.max-file-size=20M",
  "-Dquarkus.log.file.rotation.max-backup-index=3",
];
