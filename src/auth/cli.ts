import type { CliCommand } from '../cli.ts';

export const authCommands: Record<string, CliCommand> = {};
