#!/usr/bin/env node
// A committed launcher, so npm links the `opencashier` command at install
// time, before the build has produced dist/.
import '../dist/cli/main.js';
