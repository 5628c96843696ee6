/**
 * Chat formatting: {@link dev.aha.runtime.chat.ChatTemplate} turns a conversation into the prompt text a model
 * expects, from the Jinja {@code chat_template} of its Hugging Face {@code tokenizer_config.json}, exactly as
 * transformers' {@code apply_chat_template} does (the interpreter lives in {@code dev.aha.jinja}).
 */
package dev.aha.runtime.chat;
