/**
 * R1's staged recipe: its steps as plain calls (SFT, sampling a checkpoint, held-out evaluation, distillation into
 * another policy) that {@code aha sft}, {@code aha distill} and the stages of {@code aha pipeline} share, and the
 * pipeline itself: a recipe file parsed and checked at start-up ({@link dev.aha.app.recipe.Recipe},
 * {@link dev.aha.app.recipe.RecipeCheck}), its stages run in order, each in its own folder, finished ones skipped and
 * an interrupted one resumed on a re-run ({@link dev.aha.app.recipe.StagedPipeline}). Each kind of stage has its
 * runner ({@link dev.aha.app.recipe.StageRunner}) that returns a typed {@link dev.aha.app.recipe.StageOutput}, which
 * the stages after it read; {@link dev.aha.app.recipe.PipelineReport} writes pipeline.json, its chart and the table.
 */
package dev.aha.app.recipe;
