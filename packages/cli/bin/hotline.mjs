#!/usr/bin/env node
// The `hotline` command. Workspace packages ship TypeScript source, so it runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
