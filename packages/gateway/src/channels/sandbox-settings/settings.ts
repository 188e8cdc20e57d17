import { Type, type Static } from '@sinclair/typebox';

/** The settings every sandbox channel reads: how long a simulated timeout stays unknown, and the sandbox card's own book. */
export const SandboxSettingsSchema = Type.Object({
  unknownResolveDelayMs: Type.Integer({ minimum: 0 }),
  journalFile: Type.Optional(Type.String({ minLength: 1 })),
});
export type SandboxSettings = Static<typeof SandboxSettingsSchema>;
