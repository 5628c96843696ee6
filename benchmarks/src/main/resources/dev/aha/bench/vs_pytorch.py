"""The PyTorch side of `aha bench vs-pytorch`: the same models, batch and thread count as Aha, in plain PyTorch.

Written for that benchmark and run by it (the Java side writes this file to a temporary folder and runs
/usr/bin/python3 on it); it needs PyTorch and nothing else. Usage: vs_pytorch.py REQUEST.json, where the request
holds the settings shared by every model (threads, seed, GRPO and AdamW settings, sizes). It prints one JSON line:
torch's version and threads, the peak of one large matmul, and which BLAS torch calls with the kernel it picked;
then it answers one JSON command per line on stdin with one JSON line on stdout, so that the Java side can
interleave the two sides' timed runs:

  {"load": MODEL.json}                 build a model (its architecture, config, flat float32 weight images of the
                                       policy and the frozen reference in Aha's layout order, the GRPO batch, and
                                       what Aha computed on them) and check it: the reply is what the check found
  {"time": NAME, "part": "sample"}     sample G completions of N tokens once: {"seconds", "cpu_seconds"}
  {"time": NAME, "part": "grpo_step"}  one GRPO step with AdamW: the same
  {"unload": NAME}                     drop the model: {}

The check recomputes, from the same weights and batch, the GRPO loss and the log-probs of the first sampled position
and compares them with Aha's: a comparison of different computations is not a benchmark. A mismatch exits with
status 3 and says by how much on stderr.

The models follow Aha's definitions, which follow GPT-2 (built-in `gpt`) and transformers' modeling_qwen3.py
(`qwen3`, also `llama` and `qwen2`): explicit attention with an additive causal mask, a KV cache grown by torch.cat
as transformers' DynamicCache grows it, inverse-CDF sampling from one uniform per row (what Aha's sampler draws),
and torch.optim.AdamW with global gradient-norm clipping.
"""
import ctypes
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn.functional as F


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    torch.set_num_threads(request["threads"])
    torch.manual_seed(request["seed"])
    reply({
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "peak_matmul_flops": peak_matmul(request["matmul_size"], request["matmul_repeats"]),
        "blas": blas_info(),
    })
    models = {}
    for line in sys.stdin:
        command = json.loads(line)
        if "load" in command:
            with open(command["load"]) as f:
                spec = json.load(f)
            models[spec["name"]], check = load_model(spec, request)
            reply(check)
        elif "time" in command:
            reply(models[command["time"]].time(command["part"]))
        elif "unload" in command:
            del models[command["unload"]]
            reply({})
        else:
            raise SystemExit(f"unknown command {line.strip()}")


def reply(obj):
    print(json.dumps(obj), flush=True)


def blas_info():
    """Which BLAS torch calls and which kernel it picked. Debian's torch is built with BLAS_INFO=generic and calls
    whatever libblas.so.3 is (OpenBLAS with libopenblas0-pthread, whose kernel for this CPU depends on
    OPENBLAS_CORETYPE); pip's torch carries MKL."""
    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,\s]+)", config)
    capability = re.search(r"CPU capability usage: (\S+)", config)
    info = {
        "blas_info": blas.group(1) if blas else None,
        "mkl": torch.backends.mkl.is_available(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "cpu_capability": capability.group(1) if capability else None,
        "library": loaded_blas(),
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
    }
    if info["library"]:
        library = ctypes.CDLL(info["library"])  # already loaded: the same handle
        for name in ("corename", "config"):
            function = getattr(library, "openblas_get_" + name, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                info["openblas_" + name] = function().decode()
    return info


def loaded_blas():
    """The BLAS library mapped into this process (libblas.so.3 resolves through Debian's alternatives)."""
    with open("/proc/self/maps") as f:
        for line in f:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and re.match(r"lib(open)?blas.*\.so", os.path.basename(fields[5].strip())):
                return fields[5].strip()
    return None


def peak_matmul(n, repeats):
    """Best FLOP/s of an n x n float32 matmul: the machine's attainable peak at this thread count."""
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n ** 3 / best


# ------------------------------------------------------------------------------------------------------------------
# Weights: Aha's flat float32 image, tensor after tensor in layout order.

def read_weights(path, layout):
    with open(path, "rb") as f:
        flat = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    weights, offset = {}, 0
    for entry in layout:
        n = math.prod(entry["shape"]) if entry["shape"] else 1
        weights[entry["name"]] = flat[offset:offset + n].reshape(entry["shape"]).clone()
        offset += n
    if offset != flat.numel():
        raise SystemExit(f"weights: {flat.numel()} floats in {path}, the layout names {offset}")
    return weights


class KvCache:
    """Keys and values per layer, grown by concatenation; `length` positions so far."""

    def __init__(self, layers):
        self.keys = [None] * layers
        self.values = [None] * layers

    def append(self, layer, k, v):
        if self.keys[layer] is not None:
            k = torch.cat([self.keys[layer], k], dim=2)
            v = torch.cat([self.values[layer], v], dim=2)
        self.keys[layer], self.values[layer] = k, v
        return k, v

    def length(self):
        return 0 if self.keys[0] is None else self.keys[0].shape[2]

    def repeat(self, batch):
        self.keys = [k.repeat(batch, 1, 1, 1) for k in self.keys]
        self.values = [v.repeat(batch, 1, 1, 1) for v in self.values]


# ------------------------------------------------------------------------------------------------------------------
# The built-in GPT: token + position embeddings, pre-norm blocks (causal attention, GELU MLP), LayerNorm, untied head.

class Gpt:
    def __init__(self, w, config):
        self.w = w
        self.d = config["model_dim"]
        self.heads = config["heads"]
        self.layers = config["layers"]

    def parameters(self):
        return list(self.w.values())

    def hidden(self, tokens, cache=None):
        b, t = tokens.shape
        offset = 0 if cache is None else cache.length()
        x = F.embedding(tokens, self.w["wte"]) + self.w["wpe"][offset:offset + t]
        mask = causal_mask(t, 0, -1e9) if t > 1 else None
        for l in range(self.layers):
            x = self.block(l, x, cache, mask)
        return self.norm(x, "lnf")

    def head(self, hidden):
        return hidden @ self.w["head"]

    def norm(self, x, p):
        return F.layer_norm(x, (self.d,), self.w[p + ".g"], self.w[p + ".b"], 1e-5)

    def block(self, l, x, cache, mask):
        w, p = self.w, f"h.{l}."
        b, t, d = x.shape
        hd = d // self.heads
        qkv = self.norm(x, p + "ln1") @ w[p + "attn.wqkv"] + w[p + "attn.bqkv"]
        q, k, v = (z.reshape(b, t, self.heads, hd).transpose(1, 2) for z in qkv.split(d, dim=2))
        if cache is not None:
            k, v = cache.append(l, k, v)
        scores = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(hd))
        if mask is not None:
            scores = scores + mask
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + (attended @ w[p + "attn.wo"] + w[p + "attn.bo"])
        h = F.gelu(self.norm(x, p + "ln2") @ w[p + "mlp.w1"] + w[p + "mlp.b1"])
        return x + (h @ w[p + "mlp.w2"] + w[p + "mlp.b2"])


# ------------------------------------------------------------------------------------------------------------------
# The Llama family as transformers computes it (modeling_llama / qwen2 / qwen3, eager attention).

class Llama:
    def __init__(self, w, config):
        self.w = w
        self.c = config
        self.hd = config["head_dim"]
        self.eps = config["rms_norm_eps"]
        self.qk_norm = config["model_type"] == "qwen3"
        self.lm_head = w["model.embed_tokens.weight"] if config["tie_word_embeddings"] else w["lm_head.weight"]
        half = torch.arange(0, self.hd, 2, dtype=torch.int64).float() / self.hd
        self.inv_freq = 1.0 / (config["rope_theta"] ** half)

    def parameters(self):
        return list(self.w.values())

    def rms(self, x, weight):
        variance = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(variance + self.eps))

    def rope(self, offset, t):
        freqs = torch.arange(offset, offset + t, dtype=torch.float32)[:, None] * self.inv_freq[None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        return emb.cos(), emb.sin()

    @staticmethod
    def rotate(x, cos, sin):
        half = x.shape[-1] // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin

    def hidden(self, tokens, cache=None):
        b, t = tokens.shape
        offset = 0 if cache is None else cache.length()
        cos, sin = self.rope(offset, t)
        mask = causal_mask(t, offset, torch.finfo(torch.float32).min) if t > 1 else None
        x = F.embedding(tokens, self.w["model.embed_tokens.weight"])
        for l in range(self.c["num_hidden_layers"]):
            p = f"model.layers.{l}."
            x = x + self.attention(l, p, self.rms(x, self.w[p + "input_layernorm.weight"]), cos, sin, mask, cache)
            h = self.rms(x, self.w[p + "post_attention_layernorm.weight"])
            gate = F.linear(h, self.w[p + "mlp.gate_proj.weight"])
            up = F.linear(h, self.w[p + "mlp.up_proj.weight"])
            x = x + F.linear(F.silu(gate) * up, self.w[p + "mlp.down_proj.weight"])
        return self.rms(x, self.w["model.norm.weight"])

    def head(self, hidden):
        return F.linear(hidden, self.lm_head)

    def attention(self, l, p, x, cos, sin, mask, cache):
        w = self.w
        b, t, _ = x.shape
        heads, kv = self.c["num_attention_heads"], self.c["num_key_value_heads"]
        a = p + "self_attn."
        q = F.linear(x, w[a + "q_proj.weight"], w.get(a + "q_proj.bias")).view(b, t, heads, self.hd)
        k = F.linear(x, w[a + "k_proj.weight"], w.get(a + "k_proj.bias")).view(b, t, kv, self.hd)
        v = F.linear(x, w[a + "v_proj.weight"], w.get(a + "v_proj.bias")).view(b, t, kv, self.hd).transpose(1, 2)
        if self.qk_norm:
            q = self.rms(q, w[a + "q_norm.weight"])
            k = self.rms(k, w[a + "k_norm.weight"])
        q = self.rotate(q.transpose(1, 2), cos, sin)
        k = self.rotate(k.transpose(1, 2), cos, sin)
        if cache is not None:
            k, v = cache.append(l, k, v)
        groups = heads // kv
        k = k.repeat_interleave(groups, dim=1)  # transformers' repeat_kv
        v = v.repeat_interleave(groups, dim=1)
        scores = (q @ k.transpose(2, 3)) * self.hd ** -0.5
        if mask is not None:
            scores = scores + mask
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, heads * self.hd)
        return F.linear(attended, w[a + "o_proj.weight"], w.get(a + "o_proj.bias"))


def causal_mask(t, offset, fill):
    """(T, offset+T) additive mask: query i sees keys up to offset + i."""
    return torch.full((t, offset + t), fill).triu(offset + 1)


def build(spec, image):
    weights = read_weights(image, spec["layout"])
    if spec["architecture"] == "gpt":
        return Gpt(weights, spec["config"])
    return Llama(weights, spec["config"])


# ------------------------------------------------------------------------------------------------------------------
# Sampling: G completions of one prompt, prefill once, then one token per step against the KV cache.

@torch.no_grad()
def sample_group(model, layers, prompt, group, new_tokens, generator):
    cache = KvCache(layers)
    logits = model.head(model.hidden(prompt[None, :], cache)[:, -1])
    cache.repeat(group)
    logits = logits.expand(group, -1)
    tokens, log_probs = [], []
    for step in range(new_tokens):
        lp = logits.log_softmax(-1)
        u = torch.rand(group, 1, generator=generator)
        cdf = lp.exp().cumsum(-1)
        ids = (cdf < u * cdf[:, -1:]).sum(-1).clamp(max=lp.shape[-1] - 1)
        chosen = lp.gather(-1, ids[:, None])
        tokens.append(ids.tolist())  # the host sees each step's tokens, as any sampler checking for an end token
        log_probs.append(chosen)
        if step == new_tokens - 1:
            break
        logits = model.head(model.hidden(ids[:, None], cache))[:, -1]
    return tokens, log_probs


@torch.no_grad()
def greedy(model, layers, prompt, new_tokens):
    cache = KvCache(layers)
    logits = model.head(model.hidden(prompt[None, :], cache)[:, -1])
    out = []
    for _ in range(new_tokens):
        token = logits.argmax(-1)
        out.append(int(token))
        logits = model.head(model.hidden(token[:, None], cache))[:, -1]
    return out


# ------------------------------------------------------------------------------------------------------------------
# GRPO: clipped ratio, k3 KL to the reference, one of three aggregations; then AdamW.

def token_log_probs(model, tokens, first, temperature):
    t = tokens.shape[1]
    logits = model.head(model.hidden(tokens)[:, first:t - 1])
    if temperature != 1.0:
        logits = logits / temperature
    return logits.log_softmax(-1).gather(-1, tokens[:, first + 1:, None]).squeeze(-1)


def grpo_loss(lp, behaviour, reference, mask, advantages, g):
    ratio = (lp - behaviour).exp()
    clipped = ratio.clamp(1 - g["eps_low"], 1 + g["eps_high"])
    objective = torch.minimum(ratio * advantages, clipped * advantages)
    if g["beta"] > 0:
        log_ref_over_theta = reference - lp
        k3 = log_ref_over_theta.exp() - log_ref_over_theta - 1
        objective = objective - g["beta"] * k3
    terms = objective * mask
    if g["aggregation"] == "SEQUENCE_MEAN":
        per_sequence = terms.sum(1) / mask.sum(1).clamp(min=1)
        return -(per_sequence.sum() / mask.shape[0])
    if g["aggregation"] == "TOKEN_MEAN":
        return -(terms.sum() / mask.sum().clamp(min=1))
    return -(terms.sum() / (mask.shape[0] * g["dr_grpo_normalizer"]))


class GrpoStep:
    def __init__(self, policy, reference, batch, g, optimizer):
        self.policy, self.reference, self.g = policy, reference, g
        self.tokens = torch.tensor(batch["tokens"], dtype=torch.int64)
        self.mask = torch.tensor(batch["mask"], dtype=torch.float32)
        self.behaviour = torch.tensor(batch["behaviour_log_probs"], dtype=torch.float32)
        self.advantages = torch.tensor(batch["advantages"], dtype=torch.float32)[:, None]
        self.first = batch["first_column"]
        self.temperature = batch["temperature"]
        params = policy.parameters()
        for p in params:
            p.requires_grad_(True)
        decay = [p for p in params if p.dim() >= 2]
        rest = [p for p in params if p.dim() < 2]
        self.params = params
        self.max_grad_norm = optimizer["max_grad_norm"]
        self.optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": optimizer["weight_decay"]}, {"params": rest, "weight_decay": 0.0}],
            lr=optimizer["learning_rate"], betas=(optimizer["beta1"], optimizer["beta2"]), eps=optimizer["eps"])

    def loss(self):
        reference = None
        if self.g["beta"] > 0:
            with torch.no_grad():
                reference = token_log_probs(self.reference, self.tokens, self.first, self.temperature)
        lp = token_log_probs(self.policy, self.tokens, self.first, self.temperature)
        return grpo_loss(lp, self.behaviour, reference, self.mask, self.advantages, self.g)

    def step(self):
        loss = self.loss()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(self.params, self.max_grad_norm)
        self.optimizer.step()
        return float(loss)


# ------------------------------------------------------------------------------------------------------------------

def load_model(spec, request):
    """The model of `spec`, ready to time, and what the check found (exits with status 3 when it fails)."""
    policy = build(spec, spec["policy_weights"])
    reference = build(spec, spec["reference_weights"])
    layers = spec["layers"]
    prompt = torch.tensor(spec["prompt"], dtype=torch.int64)
    tolerance = request["tolerance"]
    out = {}

    # Same computation? The first sampled position's log-probs, greedy tokens, the GRPO loss on the batch.
    with torch.no_grad():
        first = policy.head(policy.hidden(prompt[None, :])[:, -1]).log_softmax(-1)[0]
    aha_first = torch.tensor(spec["aha"]["first_log_probs"], dtype=torch.float32)
    out["first_log_probs_max_abs_diff"] = float((first - aha_first).abs().max())
    out["greedy_tokens"] = greedy(policy, layers, prompt, len(spec["aha"]["greedy_tokens"]))
    out["greedy_tokens_equal"] = out["greedy_tokens"] == spec["aha"]["greedy_tokens"]
    step = GrpoStep(policy, reference, spec["batch"], request["grpo"], request["optimizer"])
    with torch.no_grad():
        out["loss"] = float(step.loss())
    out["loss_abs_diff"] = abs(out["loss"] - spec["aha"]["loss"])
    # One step of a fresh AdamW on each side, then the loss again: the optimiser is the same computation too.
    step.step()
    with torch.no_grad():
        out["loss_after_one_step"] = float(step.loss())
    out["loss_after_one_step_abs_diff"] = abs(out["loss_after_one_step"] - spec["aha"]["loss_after_one_step"])
    worst = max(out["first_log_probs_max_abs_diff"], out["loss_abs_diff"], out["loss_after_one_step_abs_diff"])
    if not worst <= tolerance:
        print(json.dumps({"error": f"{spec['name']}: not the same computation as Aha's (worst difference {worst:.3g},"
                                   f" tolerance {tolerance:g}); nothing was timed", **out}), file=sys.stderr)
        raise SystemExit(3)
    return Timed(policy, layers, prompt, step, request), out


class Timed:
    """One model's two timed parts, one run per command: sampling G x N tokens, and a GRPO step."""

    def __init__(self, policy, layers, prompt, step, request):
        self.policy, self.layers, self.prompt, self.step = policy, layers, prompt, step
        self.generator = torch.Generator().manual_seed(request["seed"])
        self.group, self.new_tokens = request["group_size"], request["new_tokens"]

    def time(self, part):
        c0, t0 = time.process_time(), time.perf_counter()
        if part == "sample":
            sample_group(self.policy, self.layers, self.prompt, self.group, self.new_tokens, self.generator)
        elif part == "grpo_step":
            self.step.step()
        else:
            raise SystemExit(f"unknown part {part}")
        return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}


if __name__ == "__main__":
    main()
