#!/usr/bin/env python3
"""Independent GPT-2 reference for the Java model's parity tests.

Written without `transformers` (not installable here): a nanoGPT-like forward pass in plain torch that reads
safetensors with a tiny manual parser (8-byte little-endian header length, JSON header, raw little-endian bytes).
It follows Hugging Face's GPT2LMHeadModel semantics: Conv1D weights stored [in, out], tanh GELU ("gelu_new"),
causal mask plus an additive padding mask of finfo.min, tied LM head (logits = x @ wte^T).

Usage (run from anywhere; the Java tests only read the committed outputs, never run this script, except the
optional saved-checkpoint check which is skipped when python3+torch are missing):
  gpt2_reference.py fixture-expected MODEL_DIR OUT_JSON   expected logits for the hf-gpt2-tiny fixture
  gpt2_reference.py make-random OUT_DIR                   a seeded multi-head checkpoint (F32, F16, BF16) + logits
  gpt2_reference.py check-saved MODEL_DIR CASES_JSON      exit 0 iff logits match those a Java test wrote
"""
import json
import math
import struct
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
SKIPPED_SUFFIXES = (".attn.bias", ".attn.masked_bias")


def read_safetensors(path):
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = bytearray(data[base + start:base + end])
        t = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"]).float()
    return tensors


def write_safetensors(path, tensors, dtype="F32"):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].to(DTYPES[dtype]).contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if dtype != "F32" else t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def load_model(model_dir, file_name="model.safetensors"):
    cfg = json.loads((Path(model_dir) / "config.json").read_text())
    raw = read_safetensors(Path(model_dir) / file_name)
    w = {}
    for name, t in raw.items():
        if name.endswith(SKIPPED_SUFFIXES) or name == "lm_head.weight":
            continue
        w[name[len("transformer."):] if name.startswith("transformer.") else name] = t
    return cfg, w


def forward(cfg, w, ids, attention_mask=None, position_ids=None):
    """GPT-2 forward, returns logits (B, T, V). Masked positions follow HF: finfo.min added to attention scores."""
    B, T = ids.shape
    C, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    hs = C // nh
    if position_ids is None:
        position_ids = torch.arange(T).unsqueeze(0).expand(B, T)
    x = w["wte.weight"][ids] + w["wpe.weight"][position_ids]
    neg = torch.finfo(torch.float32).min
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = lambda n: w[f"h.{i}.{n}"]
        h = F.layer_norm(x, (C,), p("ln_1.weight"), p("ln_1.bias"), eps)
        q, k, v = (h @ p("attn.c_attn.weight") + p("attn.c_attn.bias")).split(C, dim=2)
        q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        att = torch.where(causal, att, torch.tensor(neg))
        if attention_mask is not None:
            att = att + (1.0 - attention_mask[:, None, None, :].float()) * neg
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ p("attn.c_proj.weight") + p("attn.c_proj.bias")
        h = F.layer_norm(x, (C,), p("ln_2.weight"), p("ln_2.bias"), eps)
        h = F.gelu(h @ p("mlp.c_fc.weight") + p("mlp.c_fc.bias"), approximate="tanh")
        x = x + h @ p("mlp.c_proj.weight") + p("mlp.c_proj.bias")
    x = F.layer_norm(x, (C,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


def run_case(cfg, w, case):
    ids = torch.tensor(case["input_ids"])
    mask = torch.tensor(case["attention_mask"]) if case.get("attention_mask") else None
    pos = torch.tensor(case["position_ids"]) if case.get("position_ids") else None
    with torch.no_grad():
        return forward(cfg, w, ids, mask, pos)


def fixture_expected(model_dir, out_json):
    """Full logits are 50,257 wide: keep a vocab slice plus logsumexp over all of it and the argmax."""
    cfg, w = load_model(model_dir)
    g = torch.Generator().manual_seed(1234)
    vocab_slice = sorted({0, 1, 2, 15496, 995, 50255, 50256} | set(torch.randint(0, 50257, (25,), generator=g).tolist()))
    cases = [
        {"name": "hello_world", "input_ids": [[15496, 995]]},
        {"name": "batch_of_two_random", "input_ids": torch.randint(0, 50257, (2, 17), generator=g).tolist()},
        {"name": "explicit_positions", "input_ids": [[464, 2068, 7586, 21831]], "position_ids": [[1000, 1001, 1002, 1003]]},
    ]
    for case in cases:
        logits = run_case(cfg, w, case)
        case["vocab_slice"] = vocab_slice
        case["logits_slice"] = logits[:, :, vocab_slice].tolist()
        case["logsumexp"] = torch.logsumexp(logits, dim=-1).tolist()
        case["argmax"] = logits.argmax(dim=-1).tolist()
    Path(out_json).write_text(json.dumps({"model": "hf-gpt2-tiny", "torch": torch.__version__, "cases": cases}))


def exactly_representable(t):
    """Round to BF16, then zero what F16 cannot hold exactly: F32, F16 and BF16 files then hold equal values."""
    t = t.to(torch.bfloat16).float()
    return torch.where(t.half().float() == t, t, torch.zeros_like(t))


def make_random(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cfg = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "bos_token_id": 95,
           "eos_token_id": 95, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_embd": 16, "n_head": 4,
           "n_inner": None, "n_layer": 2, "n_positions": 32, "vocab_size": 96, "resid_pdrop": 0.0,
           "embd_pdrop": 0.0, "attn_pdrop": 0.0}
    (out / "config.json").write_text(json.dumps(cfg, indent=2))
    g = torch.Generator().manual_seed(42)
    C, V = cfg["n_embd"], cfg["vocab_size"]
    r = lambda *shape, std=0.3, mean=0.0: exactly_representable(mean + std * torch.randn(*shape, generator=g))
    w = {"wte.weight": r(V, C, std=0.5), "wpe.weight": r(cfg["n_positions"], C, std=0.2),
         "ln_f.weight": r(C, mean=1.0, std=0.2), "ln_f.bias": r(C, std=0.1)}
    for i in range(cfg["n_layer"]):
        w.update({f"h.{i}.ln_1.weight": r(C, mean=1.0, std=0.2), f"h.{i}.ln_1.bias": r(C, std=0.1),
                  f"h.{i}.attn.c_attn.weight": r(C, 3 * C), f"h.{i}.attn.c_attn.bias": r(3 * C, std=0.1),
                  f"h.{i}.attn.c_proj.weight": r(C, C), f"h.{i}.attn.c_proj.bias": r(C, std=0.1),
                  f"h.{i}.ln_2.weight": r(C, mean=1.0, std=0.2), f"h.{i}.ln_2.bias": r(C, std=0.1),
                  f"h.{i}.mlp.c_fc.weight": r(C, 4 * C), f"h.{i}.mlp.c_fc.bias": r(4 * C, std=0.1),
                  f"h.{i}.mlp.c_proj.weight": r(4 * C, C), f"h.{i}.mlp.c_proj.bias": r(C, std=0.1)})
    # F32: transformers' layout ("transformer." prefix) plus the old attn.bias / masked_bias buffers a loader must skip.
    f32 = {"transformer." + k: v for k, v in w.items()}
    n = cfg["n_positions"]
    for i in range(cfg["n_layer"]):
        f32[f"transformer.h.{i}.attn.bias"] = torch.tril(torch.ones(n, n)).view(1, 1, n, n)
        f32[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    write_safetensors(out / "model.safetensors", f32, "F32")
    # F16: bare names (no prefix) and an explicit, tied lm_head.weight.
    write_safetensors(out / "model-f16.safetensors", {**w, "lm_head.weight": w["wte.weight"]}, "F16")
    write_safetensors(out / "model-bf16.safetensors", {"transformer." + k: v for k, v in w.items()}, "BF16")

    cases = [
        {"name": "two_rows_full_length", "input_ids": torch.randint(0, V, (2, 12), generator=g).tolist()},
        # Left padding with HF generate's position ids (cumsum(mask) - 1, pads at 1): real tokens must match.
        {"name": "left_padded", "input_ids": [[95, 95, 95, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17]],
         "attention_mask": [[0, 0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]],
         "position_ids": [[1, 1, 1, 0, 1, 2, 3], [0, 1, 2, 3, 4, 5, 6]]},
        {"name": "right_padded", "input_ids": [[7, 8, 9, 10, 95, 95], [11, 12, 13, 14, 15, 16]],
         "attention_mask": [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]},
    ]
    for case in cases:
        case["logits"] = run_case(cfg, {k: v for k, v in w.items()}, case).tolist()
    (out / "expected_logits.json").write_text(json.dumps({"model": "gpt2-random-mh", "torch": torch.__version__,
                                                          "cases": cases}))


def check_saved(model_dir, cases_json):
    """A Java test saved a checkpoint and its own logits for some inputs: the reference must agree."""
    cfg, w = load_model(model_dir)
    worst = 0.0
    for case in json.loads(Path(cases_json).read_text())["cases"]:
        diff = (run_case(cfg, w, case) - torch.tensor(case["logits"])).abs().max().item()
        worst = max(worst, diff)
    print(f"max |reference - java| = {worst:.3g}")
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    torch.manual_seed(0)
    command, *args = sys.argv[1:]
    {"fixture-expected": fixture_expected, "make-random": make_random, "check-saved": check_saved}[command](*args)
