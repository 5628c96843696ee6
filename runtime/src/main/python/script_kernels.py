"""Writes runtime/src/main/resources/dev/aha/runtime/engine/script-kernels.pt, the TorchScript module behind
dev.aha.runtime.engine.ScriptKernels: operations DJL 0.36 cannot express, or can only express as many passes.

- bfloat16 (dev.aha.runtime.engine.BFloat16): DJL's PyTorch engine cannot name torch.bfloat16; creating or casting
  to it through DJL aborts the JVM. These methods make the bfloat16 tensors, and DJL then holds them as arrays of
  unknown type, which its type-free ops (matmul, add, slicing) and a cast back to float32 handle. Products take
  float32 activations and return float32; oneDNN accumulates in float32. The *_mixed products are the learner's
  bf16-mixed precision (autocast's rule for linear layers): float32 weights rounded per call, run with autograd.
- AdamW (dev.aha.runtime.optim.AdamW): one update in place, as torch.optim.AdamW's single-tensor path computes it
  (the same order of operations), with no temporary (DJL's out-of-place ops would allocate ten per parameter).

Regenerate with `/usr/bin/python3 runtime/src/main/python/script_kernels.py` (torch >= 1.13; libtorch loads modules
saved by older versions). The file is the same wherever it is generated.
"""
import pathlib
import tempfile
import zipfile

import torch
import torch.nn.functional as F


class ScriptKernels(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.narrow(x)

    @torch.jit.export
    def narrow(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)

    @torch.jit.export
    def copy_into(self, target: torch.Tensor, source: torch.Tensor) -> int:
        target.copy_(source)
        return 0

    @torch.jit.export
    def linear(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return F.linear(x.to(weight.dtype), weight).to(torch.float32)

    @torch.jit.export
    def matmul(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x.to(weight.dtype), weight).to(torch.float32)

    @torch.jit.export
    def linear_mixed(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return F.linear(x.to(torch.bfloat16), weight.to(torch.bfloat16)).to(torch.float32)

    @torch.jit.export
    def matmul_mixed(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x.to(torch.bfloat16), weight.to(torch.bfloat16)).to(torch.float32)

    @torch.jit.export
    def embedding(self, ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids, weight).to(torch.float32)

    @torch.jit.export
    def squared_norm(self, x: torch.Tensor) -> float:
        norm = float(torch.linalg.vector_norm(x))
        return norm * norm

    @torch.jit.export
    def adamw_(self, param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor, exp_avg_sq: torch.Tensor,
               scratch: torch.Tensor, clip: float, lr: float, beta1: float, beta2: float, eps: float,
               weight_decay: float, bias_correction1: float, bias_correction2: float) -> int:
        # The gradient is zeroed at the end, so clipping may scale it in place. The denominator goes to the front
        # of a scratch buffer the caller keeps: a fresh one per parameter would be mapped and page-faulted anew at
        # every step once it passes the allocator's mmap threshold.
        if clip != 1.0:
            grad.mul_(clip)
        param.mul_(1.0 - lr * weight_decay)
        exp_avg.lerp_(grad, 1.0 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1.0 - beta2)
        denom = scratch.narrow(0, 0, param.numel()).view(param.size())
        torch.sqrt(exp_avg_sq, out=denom)
        denom.div_(bias_correction2 ** 0.5).add_(eps)
        param.addcdiv_(exp_avg, denom, value=-(lr / bias_correction1))
        grad.zero_()
        return 0


def strip_debug_records(saved, target):
    # Debug records hold this machine's source paths; the module loads without them.
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for item in source.infolist():
            if not item.filename.endswith(".debug_pkl"):
                out.writestr(zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(item))


if __name__ == "__main__":
    target = (pathlib.Path(__file__).resolve().parents[1]
              / "resources" / "dev" / "aha" / "runtime" / "engine" / "script-kernels.pt")
    with tempfile.TemporaryDirectory() as scratch:
        saved = pathlib.Path(scratch) / "script-kernels.pt"
        torch.jit.script(ScriptKernels()).save(str(saved))
        strip_debug_records(saved, target)
    print(f"wrote {target}")
