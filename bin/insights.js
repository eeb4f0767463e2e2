#!/usr/bin/env node
// The installed `insights` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../functions/platform/polyfills.ts');
await import('../functions/cli/main.ts');
