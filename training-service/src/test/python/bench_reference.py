#!/usr/bin/env python3
"""Python PyTorch side of `./forge bench model`: one GPT-2 training step, timed like the Java ModelBenchmark.

The same model as the Java Gpt, written out in plain torch after nanoGPT: token + position embeddings, pre-LN
blocks x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)), tanh GELU ("gelu_new"), causal softmax attention written
out (no scaled_dot_product_attention, which DJL lacks too), final LayerNorm, LM head tied to wte. Linear weights
in GPT-2's Conv1D layout [in, out] (y = x @ W + b) as in the Java model. The step is: forward, next-token loss as
mean(-log_softmax(logits)[target]) over B x (T-1) positions, backward, gradient norm clipped at 1, AdamW (betas
0.9/0.95, eps 1e-8, weight decay 0.01 on matrices and embeddings only, as the trainers' AdamW applies it). Dropout 0
on both sides.

With --config CONFIG_JSON the model is a Llama-family one (Llama, Qwen2, Mistral) built from that config.json:
the forward of the parity tests' independent reference (llama_reference.py, same folder: RMSNorm in fp32, RoPE
"rotate half", grouped-query attention, SwiGLU) on random weights that require gradients; the step is the same.

Run with Debian's /usr/bin/python3 (python3-torch); prints one JSON object:
  bench_reference.py --embd 768 --layers 12 --heads 12 --vocab 50257 --block 1024 --batch 4 --seq 128 \
      --warmup 2 --steps 5 --threads 2
  bench_reference.py --config smollm2-135m-config.json --batch 4 --seq 128 --warmup 2 --steps 5 --threads 2
"""
import argparse
import json
import math
import os
import re
import statistics
import time

import torch
import torch.nn.functional as F


class Gpt(torch.nn.Module):
    def __init__(self, vocab, block, C, n_layer, n_head):
        super().__init__()
        self.C, self.nh = C, n_head
        g = torch.Generator().manual_seed(0)
        normal = lambda *s, std=0.02: torch.nn.Parameter(torch.randn(*s, generator=g) * std)
        zeros = lambda *s: torch.nn.Parameter(torch.zeros(*s))
        ones = lambda *s: torch.nn.Parameter(torch.ones(*s))
        resid = 0.02 / math.sqrt(2 * n_layer)
        self.wte, self.wpe = normal(vocab, C), normal(block, C, std=0.01)
        self.blocks = torch.nn.ModuleList()
        for _ in range(n_layer):
            b = torch.nn.Module()
            b.ln1_w, b.ln1_b, b.ln2_w, b.ln2_b = ones(C), zeros(C), ones(C), zeros(C)
            b.attn_w, b.attn_b = normal(C, 3 * C), zeros(3 * C)
            b.proj_w, b.proj_b = normal(C, C, std=resid), zeros(C)
            b.fc_w, b.fc_b = normal(C, 4 * C), zeros(4 * C)
            b.mlp_proj_w, b.mlp_proj_b = normal(4 * C, C, std=resid), zeros(C)
            self.blocks.append(b)
        self.lnf_w, self.lnf_b = ones(C), zeros(C)

    def forward(self, ids):
        B, T = ids.shape
        C, nh = self.C, self.nh
        hs = C // nh
        # Additive causal bias, built per call as the Java model does (arange + comparison).
        pos = torch.arange(T)
        mask_bias = (pos[None, :] > pos[:, None]).float() * -1e30  # (T, T)
        x = F.embedding(ids, self.wte) + F.embedding(pos, self.wpe)[None]  # (B, T, C)
        for b in self.blocks:
            h = F.layer_norm(x, (C,), b.ln1_w, b.ln1_b, 1e-5)
            q, k, v = (h @ b.attn_w + b.attn_b).split(C, dim=2)
            q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs)) + mask_bias  # (B, nh, T, T)
            y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
            x = x + (y @ b.proj_w + b.proj_b)
            h = F.layer_norm(x, (C,), b.ln2_w, b.ln2_b, 1e-5)
            h = F.gelu(h @ b.fc_w + b.fc_b, approximate="tanh")
            x = x + (h @ b.mlp_proj_w + b.mlp_proj_b)
        x = F.layer_norm(x, (C,), self.lnf_w, self.lnf_b, 1e-5)
        return x @ self.wte.T  # (B, T, V) tied LM head


def blas_in_use():
    """BLAS_INFO from the build plus the shared library actually mapped (Debian's libblas.so.3 is an alternative)."""
    info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if re.search(r"(blas|mkl|blis|lapack)", os.path.basename(path), re.I):
                libs.add(os.path.realpath(path))
    return {"build": info.group(1) if info else "?", "libraries": sorted(libs)}


class Llama(torch.nn.Module):
    """The parity reference's Llama-family forward over random weights, as trainable parameters."""

    def __init__(self, cfg):
        super().__init__()
        from llama_reference import forward, random_weights  # same folder
        self.cfg, self.reference_forward = cfg, forward
        weights = random_weights(cfg, torch.Generator().manual_seed(0))
        self.names = list(weights)
        self.weights = torch.nn.ParameterList(torch.nn.Parameter(t) for t in weights.values())

    def forward(self, ids):
        return self.reference_forward(self.cfg, dict(zip(self.names, self.weights)), ids)


def main():
    p = argparse.ArgumentParser()
    for name, default in [("embd", 768), ("layers", 12), ("heads", 12), ("vocab", 50257), ("block", 1024),
                          ("batch", 4), ("seq", 128), ("warmup", 2), ("steps", 5), ("threads", 2)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--config", help="a Llama-family config.json; the GPT-2 sizes are then ignored")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    if a.config:
        with open(a.config) as f:
            cfg = json.load(f)
        model, vocab = Llama(cfg), cfg["vocab_size"]
    else:
        model, vocab = Gpt(a.vocab, a.block, a.embd, a.layers, a.heads), a.vocab
    # The trainers' AdamW (toolbox/AdamW.java): decay on matrices and embeddings only (nanoGPT's two groups), the
    # global gradient norm clipped at 1. foreach=False: one update per parameter, as the Java side does (1.13's
    # default on CPU).
    decay = [t for t in model.parameters() if t.dim() >= 2]
    no_decay = [t for t in model.parameters() if t.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8, foreach=False)
    ids = torch.randint(0, vocab, (a.batch, a.seq), generator=torch.Generator().manual_seed(1))

    def step():
        logits = model(ids)[:, :-1, :]
        loss = -logits.log_softmax(-1).gather(-1, ids[:, 1:, None]).squeeze(-1).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    ms = statistics.median(times) * 1e3
    print(json.dumps({
        "framework": "pytorch", "torch": torch.__version__, "blas": blas_in_use(),
        "intra_op_threads": torch.get_num_threads(), "inter_op_threads": torch.get_num_interop_threads(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "parameters": sum(t.numel() for t in model.parameters()),
        "batch": a.batch, "seq": a.seq, "ms_per_step": ms, "tokens_per_s": a.batch * a.seq / ms * 1e3,
        "step_ms": [round(t * 1e3, 1) for t in times],
    }))


if __name__ == "__main__":
    main()
