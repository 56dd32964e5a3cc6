export const ROOT: string;
export const SERVER_BUNDLE: string;
export function serverBuildIsStale(bundle?: string, sources?: string): boolean;
export function buildServer(outfile?: string, entry?: string): Promise<void>;
