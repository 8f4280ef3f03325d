#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx skiff` and the package bin work without a build.
import { register } from 'tsx/esm/api';
register();
await import('./skiff.ts');
