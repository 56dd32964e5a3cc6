export const ROOT: string;
export const SERVER_BUNDLE: string;
export function serverBuildIsStale(bundle?: string, sources?: string): boolean;
export function buildServer(outfile?: string): Promise<void>;
