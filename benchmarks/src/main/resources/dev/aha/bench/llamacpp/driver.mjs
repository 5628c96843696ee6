// Runs llama.cpp (through node-llama-cpp 3.21.1, CPU only, prebuilt binaries) on a GGUF file for Aha's tests and
// benchmarks. Prints exactly one JSON object on stdout; llama.cpp's own log lines go to stderr.
//
//   node driver.mjs info
//   node driver.mjs greedy --model FILE --prompt 1,2,3 --tokens N [--stop ID,ID] [--vocab-limit V] [--threads T]
//   node driver.mjs bench  --model FILE --threads T --sequences S --prompt-tokens P --new-tokens N
//
// node-llama-cpp is found in --install DIR or $AHA_NODE_LLAMA_CPP: a folder where
// `npm i -E node-llama-cpp@3.21.1` was run (it holds node_modules/node-llama-cpp). Exit status 3 with
// {"error": ...} means it is not installed there; 2 means bad arguments; 1 any other failure.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const NOT_INSTALLED = 3;
let installedVersion = null;
const BAD_ARGUMENTS = 2;

function fail(message, status = 1) {
    process.stdout.write(JSON.stringify({ error: message }) + "\n");
    process.exit(status);
}

function parseArgs(argv) {
    const [command, ...rest] = argv;
    const options = {};
    for (let i = 0; i < rest.length; i += 2) {
        if (!rest[i].startsWith("--") || i + 1 >= rest.length) {
            fail(`expected --name value pairs, found '${rest[i]}'`, BAD_ARGUMENTS);
        }
        options[rest[i].slice(2)] = rest[i + 1];
    }
    return { command, options };
}

function integer(options, name, fallback) {
    const value = options[name] ?? fallback;
    if (value === undefined || !/^\d+$/.test(String(value))) {
        fail(`--${name} must be a non-negative integer, was '${value}'`, BAD_ARGUMENTS);
    }
    return Number(value);
}

function ids(options, name) {
    const value = options[name];
    if (value === undefined || value === "") {
        return [];
    }
    if (!/^\d+(,\d+)*$/.test(value)) {
        fail(`--${name} must be token ids separated by commas, was '${value}'`, BAD_ARGUMENTS);
    }
    return value.split(",").map(Number);
}

async function loadLibrary(options) {
    const dir = options.install ?? process.env.AHA_NODE_LLAMA_CPP;
    const hint = "install it with: mkdir -p DIR && cd DIR && npm i -E node-llama-cpp@3.21.1, "
        + "then set AHA_NODE_LLAMA_CPP=DIR";
    if (!dir) {
        fail(`node-llama-cpp: no install folder given (--install DIR or AHA_NODE_LLAMA_CPP); ${hint}`, NOT_INSTALLED);
    }
    const entry = join(dir, "node_modules", "node-llama-cpp", "dist", "index.js");
    if (!existsSync(entry)) {
        fail(`node-llama-cpp is not installed in ${dir} (no ${entry}); ${hint}`, NOT_INSTALLED);
    }
    installedVersion = JSON.parse(readFileSync(join(dir, "node_modules", "node-llama-cpp", "package.json"))).version;
    return import(pathToFileURL(entry).href);
}

async function start(library, options) {
    const log = [];
    const llama = await library.getLlama({
        gpu: false,
        build: "never",
        maxThreads: 0,
        logLevel: library.LlamaLogLevel.log, // the level of "load_backend: loaded CPU backend from ..."
        logger: (level, message) => {
            log.push(message);
            if (level === "error" || level === "fatal" || level === "warn") {
                process.stderr.write(message + "\n");
            }
        },
    });
    const model = options.model === undefined ? null : await llama.loadModel({ modelPath: options.model });
    return { llama, model, log };
}

/** Which of llama.cpp's CPU builds ggml loaded (libggml-cpu-<variant>.so), as its log says. */
function cpuBackend(log) {
    for (const line of log) {
        const m = /libggml-cpu-([\w-]+)\.so/.exec(line);
        if (m) {
            return m[1];
        }
    }
    return null;
}

function describe(library, llama, log) {
    return {
        node_llama_cpp: installedVersion,
        llama_cpp_release: llama.llamaCppRelease.release,
        build: llama.buildType,
        gpu: llama.gpu,
        cpu_backend: cpuBackend(log),
        system_info: llama.systemInfo,
    };
}

async function greedy(library, options) {
    const prompt = ids(options, "prompt");
    const count = integer(options, "tokens");
    const stop = new Set(ids(options, "stop"));
    if (prompt.length === 0) {
        fail("--prompt needs at least one token id", BAD_ARGUMENTS);
    }
    const { llama, model, log } = await start(library, options);
    const threads = integer(options, "threads", 1);
    const context = await model.createContext({ contextSize: prompt.length + count + 1, sequences: 1,
        threads: { ideal: threads, min: threads } });
    const vocabLimit = options["vocab-limit"] === undefined ? null : integer(options, "vocab-limit");
    let tokenBias;
    const rows = model.fileInsights.tensorInfo?.find((t) => t.name === "token_embd.weight")?.dimensions?.[1];
    if (vocabLimit !== null && rows !== undefined && vocabLimit < Number(rows)) {
        // ids past the tokenizer's (the embedding's padding rows) are never drawn, as Aha's sampler never draws them
        tokenBias = new library.TokenBias(model.tokenizer);
        for (let id = vocabLimit; id < Number(rows); id++) {
            tokenBias.set(id, "never");
        }
    }
    const tokens = [];
    if (count > 0) {
        const sequence = context.getSequence();
        // yieldEogToken: an end token is returned like any other (and ends the loop only through --stop)
        for await (const token of sequence.evaluate(prompt, { temperature: 0, tokenBias, yieldEogToken: true })) {
            tokens.push(token);
            if (tokens.length >= count || stop.has(token)) {
                break;
            }
        }
    }
    await context.dispose();
    return { tokens, ...describe(library, llama, log) };
}

async function bench(library, options) {
    const threads = integer(options, "threads");
    const sequences = integer(options, "sequences");
    const promptTokens = integer(options, "prompt-tokens");
    const newTokens = integer(options, "new-tokens");
    if (threads < 1 || sequences < 1 || promptTokens < 1 || newTokens < 2) {
        fail("--threads, --sequences and --prompt-tokens must be at least 1, --new-tokens at least 2", BAD_ARGUMENTS);
    }
    const { llama, model, log } = await start(library, options);
    const context = await model.createContext({ contextSize: promptTokens + newTokens + 1, sequences,
        batchSize: Math.max(512, sequences * promptTokens), threads: { ideal: threads, min: threads } });
    // Prompts of ordinary ids, different per sequence, the same on every run.
    const prompts = Array.from({ length: sequences }, (_, s) =>
        Array.from({ length: promptTokens }, (_, i) => 100 + ((s * 7919 + i * 104729) % 10000)));
    const firstTokenAt = new Array(sequences);
    const started = performance.now();
    // All sequences evaluate at once: node-llama-cpp puts the pending tokens of every sequence into one batch per
    // llama_decode, so the prompts are prefilled together and each later step decodes one token of every sequence.
    await Promise.all(prompts.map(async (prompt, s) => {
        const sequence = context.getSequence();
        let generated = 0;
        for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
            if (generated === 0) {
                firstTokenAt[s] = performance.now();
            }
            if (++generated >= newTokens) {
                break;
            }
        }
    }));
    const finished = performance.now();
    await context.dispose();
    const prefillEnd = Math.max(...firstTokenAt);
    const prefillSeconds = (prefillEnd - started) / 1000;
    const decodeSeconds = (finished - prefillEnd) / 1000;
    return {
        threads, sequences, prompt_tokens: promptTokens, new_tokens: newTokens,
        prefill_seconds: prefillSeconds,
        decode_seconds: decodeSeconds,
        prefill_tokens_per_second: sequences * promptTokens / prefillSeconds,
        // the first token of each sequence comes out of the prefill; the other new_tokens - 1 out of decode steps
        generated_tokens_per_second: sequences * (newTokens - 1) / decodeSeconds,
        ...describe(library, llama, log),
    };
}

const { command, options } = parseArgs(process.argv.slice(2));
if (!["info", "greedy", "bench"].includes(command)) {
    fail(`unknown command '${command}': info, greedy or bench`, BAD_ARGUMENTS);
}
if (command !== "info" && options.model === undefined) {
    fail("--model FILE.gguf is required", BAD_ARGUMENTS);
}
if (options.model !== undefined && !existsSync(options.model)) {
    fail(`no GGUF file at ${options.model}`, BAD_ARGUMENTS);
}
try {
    const library = await loadLibrary(options);
    let result;
    if (command === "info") {
        const { llama, log } = await start(library, options);
        await new Promise((resolve) => setTimeout(resolve, 100)); // the native log reaches JavaScript a moment later
        result = describe(library, llama, log);
    } else {
        result = command === "greedy" ? await greedy(library, options) : await bench(library, options);
    }
    process.stdout.write(JSON.stringify(result) + "\n");
    process.exit(0);
} catch (e) {
    fail(String(e?.message ?? e).split("\n")[0]);
}
