"""Writes runtime/src/main/resources/dev/aha/runtime/engine/bf16-kernels.pt, the TorchScript module behind
dev.aha.runtime.engine.BFloat16.

DJL 0.36's PyTorch engine cannot name torch.bfloat16: creating or casting to it through DJL aborts the JVM. A
scripted module can: its methods make the bfloat16 tensors, and DJL then holds them as arrays of unknown type, which
its type-free ops (matmul, add, slicing) and a cast back to float32 handle. Every method takes and returns float32
activations; only weights are kept in bfloat16, and each product accumulates in float32 inside oneDNN.

Regenerate with `/usr/bin/python3 runtime/src/main/python/bf16_kernels.py` (any torch >= 1.13; libtorch loads
modules saved by older versions).
"""
import pathlib
import tempfile
import zipfile

import torch
import torch.nn.functional as F


class BFloat16Kernels(torch.nn.Module):
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
    def embedding(self, ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids, weight).to(torch.float32)


def strip_debug_records(saved, target):
    # Debug records hold this machine's source paths; the module loads without them, and the file stays the same
    # wherever it is generated.
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for item in source.infolist():
            if not item.filename.endswith(".debug_pkl"):
                out.writestr(zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(item))


if __name__ == "__main__":
    target = (pathlib.Path(__file__).resolve().parents[1]
              / "resources" / "dev" / "aha" / "runtime" / "engine" / "bf16-kernels.pt")
    with tempfile.TemporaryDirectory() as scratch:
        saved = pathlib.Path(scratch) / "bf16-kernels.pt"
        torch.jit.script(BFloat16Kernels()).save(str(saved))
        strip_debug_records(saved, target)
    print(f"wrote {target}")
