/**
 * R1's staged recipe: its steps as plain calls (SFT, sampling a checkpoint, held-out evaluation, distillation into
 * another policy) that {@code aha sft}, {@code aha distill} and the stages of {@code aha pipeline} share, and the
 * pipeline itself: a recipe file parsed and checked at start-up ({@link dev.aha.app.recipe.Recipe}), its stages
 * run in order, each in its own folder, finished ones skipped and an interrupted one resumed on a re-run
 * ({@link dev.aha.app.recipe.StagedPipeline}).
 */
package dev.aha.app.recipe;
