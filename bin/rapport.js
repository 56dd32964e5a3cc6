#!/usr/bin/env node
// The npm bin: runs the compiled server (bin/server-build.js says why), building it first when
// the sources are newer. Where it cannot be built (e.g. a read-only install without a build),
// the TypeScript sources run through tsx instead.
import { pathToFileURL } from 'node:url';
import { SERVER_BUNDLE, buildServer, serverBuildIsStale } from './server-build.js';

let compiled = true;
if (serverBuildIsStale()) {
  try {
    await buildServer();
  } catch (err) {
    compiled = false;
    console.error(`Could not build ${SERVER_BUNDLE} (${err instanceof Error ? err.message : err}); running the sources through tsx.`);
  }
}
if (compiled) {
  await import(pathToFileURL(SERVER_BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
