import type { DialectModule } from './dialect-module.js';
import { payEaseModule } from './payease/module.js';
import { globalJsonModule } from './global-json/module.js';
import { formGatewayModule } from './form-gateway/module.js';

/**
 * Every merchant protocol this gateway speaks, one line each. The
 * composition root builds and registers them from this list; nothing else
 * names one. The first is the default: its error answers are used where no
 * dialect's route matched.
 */
export const DIALECT_MODULES: readonly DialectModule[] = [payEaseModule, globalJsonModule, formGatewayModule];
