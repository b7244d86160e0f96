// Replaced by the simulator's TLS set-up (see the foundation issue). Kept so vitest.config.ts stays valid.
export default function setup(): void {}
