/**
 * Multi-turn episodes: environments that answer the policy's turns, tools it calls in its own format, and the
 * driver that turns both into token-exact observations for the rollout engine (see docs/agents.md).
 */
package dev.aha.runtime.agent;
