import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// Starts Rapport as a user does (the npm bin) and waits for its "running" log line.

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface RunningRapport {
  url: string;
  output: () => string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startRapport(env: Record<string, string>, timeoutMs = 90_000): Promise<RunningRapport> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/rapport.js'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Rapport did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(/"address":"(http:\/\/[^"]+)"[^\n]*Rapport is running/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], output: () => output, child, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Rapport exited with ${code}:\n${output}`));
    });
  });
}
