import type { CliCommand } from '../cli.ts';

export const importsCommands: Record<string, CliCommand> = {};
