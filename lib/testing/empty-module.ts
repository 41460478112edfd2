// Stands in for the "server-only"/"client-only" marker packages in unit tests.
export {};
