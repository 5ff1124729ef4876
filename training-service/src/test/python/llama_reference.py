#!/usr/bin/env python3
"""Independent Llama-family reference (Llama, Qwen2, Mistral) for the Java model's parity tests.

Written without `transformers` (not installable here): plain torch following transformers' modeling_llama.py and
modeling_qwen2.py formulas, reading safetensors with a tiny manual parser (sharded checkpoints through
model.safetensors.index.json, F32/F16/BF16):
  - LlamaRMSNorm: x.float() * rsqrt(mean(x^2) + eps), times weight
  - LlamaRotaryEmbedding: inv_freq = 1 / theta^(arange(0, d, 2) / d) (rope_scaling "linear" or "llama3" applied as
    _compute_llama3_parameters does), emb = cat(freqs, freqs), q * cos + rotate_half(q) * sin with
    rotate_half(x) = cat(-x2, x1)
  - repeat_kv for grouped-query attention, eager attention softmax(q k^T * head_dim^-0.5 + mask) with finfo.min masks
  - SwiGLU MLP: down_proj(silu(gate_proj(x)) * up_proj(x)); Qwen2: biases on q/k/v, none on o_proj
  - lm_head tied to embed_tokens when tie_word_embeddings

Usage (the Java tests only read the committed outputs; check-saved is optional and skipped without python3+torch):
  llama_reference.py make-all OUT_ROOT                  seeded small checkpoints of every variant + expected logits
  llama_reference.py check-saved MODEL_DIR CASES_JSON   exit 0 iff logits match those a Java test wrote
  llama_reference.py make-tokenizer OUT_JSON            a tiny SentencePiece-style BPE tokenizer.json (Llama 2 layout)
"""
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

# The safetensors reader/writer is the GPT-2 reference's (same folder): one parser for both references.
from gpt2_reference import read_safetensors, write_safetensors  # noqa: E402


def load_model(model_dir):
    d = Path(model_dir)
    cfg = json.loads((d / "config.json").read_text())
    if (d / "model.safetensors").exists():
        w = read_safetensors(d / "model.safetensors")
    else:
        index = json.loads((d / "model.safetensors.index.json").read_text())
        w = {}
        for shard in sorted(set(index["weight_map"].values())):
            w.update(read_safetensors(d / shard))
    return cfg, w


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def inv_freq(cfg):
    d = head_dim(cfg)
    inv = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    s = cfg.get("rope_scaling")
    if not s:
        return inv
    kind = s.get("rope_type", s.get("type"))
    if kind == "linear":
        return inv / s["factor"]
    assert kind == "llama3", kind
    factor, low, high = s["factor"], s["low_freq_factor"], s["high_freq_factor"]
    old = s["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv
    inv_llama = torch.where(wavelen > low_wavelen, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_llama / factor + smooth * inv_llama
    is_medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(is_medium, smoothed, inv_llama)


def rms_norm(x, weight, eps):
    x = x.float()
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def linear(x, w, name, bias=False):
    y = x @ w[name + ".weight"].T
    return y + w[name + ".bias"] if bias else y


def forward(cfg, w, ids, attention_mask=None, position_ids=None):
    """Logits (B, T, V) of LlamaForCausalLM / Qwen2ForCausalLM / MistralForCausalLM."""
    B, T = ids.shape
    nh, nkv, d = cfg["num_attention_heads"], cfg.get("num_key_value_heads", cfg["num_attention_heads"]), head_dim(cfg)
    eps = cfg.get("rms_norm_eps", 1e-6)
    qwen2 = cfg["model_type"] == "qwen2"
    qkv_bias = qwen2 or cfg.get("attention_bias", False)
    o_bias = not qwen2 and cfg.get("attention_bias", False)
    mlp_bias = cfg.get("mlp_bias", False)
    if position_ids is None:
        position_ids = torch.arange(T).unsqueeze(0).expand(B, T)
    freqs = position_ids[:, :, None].float() * inv_freq(cfg)[None, None, :]  # (B, T, d/2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # (B, 1, T, d)
    neg = torch.finfo(torch.float32).min
    allowed = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
    if attention_mask is not None:
        allowed = allowed & attention_mask[:, None, None, :].bool()
    mask = torch.zeros(allowed.shape).masked_fill(~allowed, neg)

    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, w, p + "self_attn.q_proj", qkv_bias).view(B, T, nh, d).transpose(1, 2)
        k = linear(h, w, p + "self_attn.k_proj", qkv_bias).view(B, T, nkv, d).transpose(1, 2)
        v = linear(h, w, p + "self_attn.v_proj", qkv_bias).view(B, T, nkv, d).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k = k[:, :, None].expand(B, nkv, nh // nkv, T, d).reshape(B, nh, T, d)  # repeat_kv
        v = v[:, :, None].expand(B, nkv, nh // nkv, T, d).reshape(B, nh, T, d)
        att = F.softmax(q @ k.transpose(2, 3) * d ** -0.5 + mask, dim=-1, dtype=torch.float32)
        y = (att @ v).transpose(1, 2).reshape(B, T, nh * d)
        x = x + linear(y, w, p + "self_attn.o_proj", o_bias)
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, w, p + "mlp.gate_proj", mlp_bias)
        x = x + linear(F.silu(gate) * linear(h, w, p + "mlp.up_proj", mlp_bias), w, p + "mlp.down_proj", mlp_bias)
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return x @ head.T


def run_case(cfg, w, case):
    ids = torch.tensor(case["input_ids"])
    mask = torch.tensor(case["attention_mask"]) if case.get("attention_mask") else None
    pos = torch.tensor(case["position_ids"]) if case.get("position_ids") else None
    with torch.no_grad():
        return forward(cfg, w, ids, mask, pos)


def exactly_representable(t):
    """Round to BF16 so that F32 and BF16 files hold equal values."""
    return t.to(torch.bfloat16).float()


def random_weights(cfg, g):
    """Tensors named and shaped as transformers' state_dict() of the *ForCausalLM model."""
    C, V, I = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    nh, nkv, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    qwen2 = cfg["model_type"] == "qwen2"
    qkv_bias = qwen2 or cfg.get("attention_bias", False)
    o_bias = not qwen2 and cfg.get("attention_bias", False)
    r = lambda *shape, std=0.25, mean=0.0: exactly_representable(mean + std * torch.randn(*shape, generator=g))
    w = {"model.embed_tokens.weight": r(V, C, std=0.5), "model.norm.weight": r(C, mean=1.0, std=0.2)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = r(C, mean=1.0, std=0.2)
        w[p + "post_attention_layernorm.weight"] = r(C, mean=1.0, std=0.2)
        for name, out in (("q_proj", nh * d), ("k_proj", nkv * d), ("v_proj", nkv * d)):
            w[p + f"self_attn.{name}.weight"] = r(out, C)
            if qkv_bias:
                w[p + f"self_attn.{name}.bias"] = r(out, std=0.1)
        w[p + "self_attn.o_proj.weight"] = r(C, nh * d)
        if o_bias:
            w[p + "self_attn.o_proj.bias"] = r(C, std=0.1)
        w[p + "mlp.gate_proj.weight"] = r(I, C)
        w[p + "mlp.up_proj.weight"] = r(I, C)
        w[p + "mlp.down_proj.weight"] = r(C, I)
    if not cfg.get("tie_word_embeddings", False):
        w["lm_head.weight"] = r(V, C, std=0.5)
    return w


def base_config(model_type, **overrides):
    cfg = {"architectures": [{"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM",
                              "mistral": "MistralForCausalLM"}[model_type]],
           "model_type": model_type, "hidden_act": "silu", "hidden_size": 32, "intermediate_size": 48,
           "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 128,
           "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None, "tie_word_embeddings": True,
           "vocab_size": 64, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}
    cfg.update(overrides)
    return cfg


VARIANTS = {
    # Llama with grouped-query attention (4 query heads share 2 key/value heads) and a tied LM head (SmolLM2).
    "llama-gqa-tied": base_config("llama"),
    # Llama 3.1/3.2 rope scaling, with the windows chosen so that of the four frequencies (wavelengths 6, 167,
    # 4443 and 118000 positions) one is kept (< 512 / 4), one blended (between 128 and 512) and two divided; attention_bias on q/k/v/o; several eos ids in generation_config.json.
    "llama3-rope-scaling": base_config(
        "llama", rope_theta=500000.0, attention_bias=True, eos_token_id=[2, 3],
        rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 512, "rope_type": "llama3"}),
    # Qwen2: biases on q/k/v but not o_proj, one key/value head for all four query heads, rope_theta 1e6.
    "qwen2-bias": base_config("qwen2", num_key_value_heads=1, rope_theta=1000000.0, use_sliding_window=False,
                              sliding_window=None, max_window_layers=2),
    # Its own lm_head.weight, and a head_dim (16) that is not hidden_size / heads (8).
    "llama-untied-head-dim": base_config("llama", tie_word_embeddings=False, head_dim=16),
    # Mistral in two BF16 shards named by model.safetensors.index.json.
    "mistral-sharded-bf16": base_config("mistral", num_key_value_heads=1, sliding_window=4096,
                                        tie_word_embeddings=False, torch_dtype="bfloat16"),
}


def cases_for(cfg, g):
    V = cfg["vocab_size"]
    pad = 2 if isinstance(cfg["eos_token_id"], list) else cfg["eos_token_id"]
    return [
        {"name": "two_rows_full_length", "input_ids": torch.randint(0, V, (2, 9), generator=g).tolist()},
        # Left padding with HF generate's position ids (cumsum(mask) - 1, pads at 1): real tokens must match.
        {"name": "left_padded", "input_ids": [[pad, pad, pad, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17]],
         "attention_mask": [[0, 0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]],
         "position_ids": [[1, 1, 1, 0, 1, 2, 3], [0, 1, 2, 3, 4, 5, 6]]},
        # Far positions, where rope scaling changes the rotation most.
        {"name": "far_positions", "input_ids": [[5, 6, 7, 8, 9]], "position_ids": [[90, 91, 92, 93, 94]]},
    ]


def make_all(out_root):
    g = torch.Generator().manual_seed(17)
    for name, cfg in VARIANTS.items():
        out = Path(out_root) / name
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.safetensors*"):
            old.unlink()
        w = random_weights(cfg, g)
        (out / "config.json").write_text(json.dumps(cfg, indent=2))
        if isinstance(cfg["eos_token_id"], list):
            (out / "generation_config.json").write_text(json.dumps(
                {"bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"]}, indent=2))
        if name.endswith("sharded-bf16"):
            names = sorted(w)
            shards = {"model-00001-of-00002.safetensors": names[: len(names) // 2],
                      "model-00002-of-00002.safetensors": names[len(names) // 2:]}
            weight_map = {}
            for shard, keys in shards.items():
                write_safetensors(out / shard, {k: w[k] for k in keys}, "BF16")
                weight_map.update({k: shard for k in keys})
            total = sum(2 * w[k].numel() for k in names)
            (out / "model.safetensors.index.json").write_text(json.dumps(
                {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, indent=2))
        else:
            write_safetensors(out / "model.safetensors", w, "F32")
        cases = cases_for(cfg, g)
        for case in cases:
            case["logits"] = [[[round(v, 6) for v in row] for row in b] for b in run_case(cfg, w, case).tolist()]
        # The key -> [dtype, shape] list transformers' save_pretrained writes for this config (F32 saves).
        layout = {k: list(t.shape) for k, t in sorted(w.items())}
        (out / "expected_logits.json").write_text(json.dumps(
            {"model": name, "torch": torch.__version__, "state_dict_shapes": layout, "cases": cases}))


def check_saved(model_dir, cases_json):
    """A Java test saved a checkpoint and its own logits for some inputs: the reference must agree."""
    cfg, w = load_model(model_dir)
    worst = 0.0
    for case in json.loads(Path(cases_json).read_text())["cases"]:
        diff = (run_case(cfg, w, case) - torch.tensor(case["logits"])).abs().max().item()
        worst = max(worst, diff)
    print(f"max |reference - java| = {worst:.3g}")
    sys.exit(0 if worst < 1e-4 else 1)


def make_tokenizer(out_json):
    """The tokenizer.json layout Llama 2 / Mistral v0.1 ship (SentencePiece BPE converted by transformers): a "▁"
    prepended and replacing spaces, byte fallback to <0xNN> tokens for anything outside the vocabulary, <s> added
    by the post-processor, and the decoder that undoes all of it. Tiny vocabulary: the bytes plus "hello world"."""
    special = ["<unk>", "<s>", "</s>"]
    vocab = {t: i for i, t in enumerate(special)}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    merges = [("▁", "h"), ("e", "l"), ("▁h", "el"), ("l", "o"), ("▁hel", "lo"), ("▁", "w"),
              ("o", "r"), ("▁w", "or"), ("l", "d"), ("▁wor", "ld")]
    for ch in ["▁", "h", "e", "l", "o", "w", "r", "d"]:
        vocab[ch] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in special]
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }
    Path(out_json).write_text(json.dumps(tokenizer, ensure_ascii=False))
    print(vocab["▁hello"], vocab["▁world"])


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"make-all": make_all, "check-saved": check_saved, "make-tokenizer": make_tokenizer}[command](*args)
