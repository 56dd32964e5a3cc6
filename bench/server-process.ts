import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, buildServer } from '../bin/server-build.js';

// A benchmark's server side in a process of its own, so the load generator (autocannon) does not
// share its event loop: in one process the two took turns on one core while the other core idled.

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs `script` compiled the way `rapport` runs the server (bin/server-build.js), not through tsx;
 * the script prints its URL on a line of its own (log lines may come first).
 */
export async function spawnServer(script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const compiled = join(ROOT, 'dist', 'bench', basename(script).replace(/\.ts$/, '.mjs'));
  await buildServer(compiled, script);
  const child = spawn(process.execPath, [...nodeArgs, compiled], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((res, rej) => {
    const onLine = (l: string) => {
      if (!/^https?:\/\//.test(l.trim())) return void process.stderr.write(`[server] ${l}\n`);
      lines.off('line', onLine);
      res(l.trim());
    };
    lines.on('line', onLine);
    child.once('exit', (code) => rej(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}
