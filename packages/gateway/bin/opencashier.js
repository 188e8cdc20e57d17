#!/usr/bin/env node
// A committed launcher, so npm links the `opencashier` command at install
// time, before the build has produced dist/.
import { run } from '../dist/cli/main.js';

run(process.argv);
