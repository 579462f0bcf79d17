#!/usr/bin/env python3
"""Per-token decode budget of llama.cpp from a perf profile, in gptoss4j's operation classes.

usage: for n in 1 64; do
         perf record -e cpu-clock -F 999 -o llama-$n.perf -- llama-bench -m MODEL.gguf -t 2 -p 0 -n $n -r 3
         perf report -i llama-$n.perf --stdio -F sample,dso,sym > llama-$n.txt
       done
       llama_budget.py llama-64.txt llama-1.txt TOKENS_PER_S [--dense-bytes PROJ,UNEMB]

The two profiles differ only in the decoded tokens, so the difference of their samples, symbol by symbol, is
the decode alone, without the load (the MXFP4 repack, page faults, vocabulary set-up). Every thread of
llama.cpp's CPU backend works on every graph node in turn (a barrier between nodes), so a class's share of
those samples is its share of a step's wall time; TOKENS_PER_S is llama-bench's tg figure of the long run.
The dense matvec kernel serves the attention projections and the unembedding alike; its time is split
between them by the bytes they read (--dense-bytes), since both stream their weights at the same rate.
"""
import re, sys

CLASSES = [  # (class, predicate on (dso, symbol)), first match wins
    ("MXFP4 experts (mlp1 + mlp2)", lambda d, s: "mxfp4" in s or "mul_mat_id" in s),
    ("dense matvecs (projections + unembedding)", lambda d, s: re.search(r"vec_dot_(bf16|q8_0)|gemv_q8|gemm_q8|"
        r"forward_mul_mat\b|forward_mul_mat_one_chunk|vec_dot_f16", s) is not None),
    ("activation conversion (f32 to q8_0 / bf16)", lambda d, s: "quantize_row" in s or "fp32_to_bf16" in s
        or "from_float" in s or "fp32_to_fp16" in s),
    ("attention (scores, softmax, values)", lambda d, s: "flash_attn" in s or "soft_max" in s),
    ("norms, top-k, SwiGLU, residual adds, embedding row", lambda d, s: s.startswith("ggml_compute_forward")
        or s.startswith("ggml_vec_") or "argsort" in s or "get_rows" in s or "swiglu" in s or "glu" in s),
    ("thread hand-offs and waits", lambda d, s: "libgomp" in d or "barrier" in s or "sched_yield" in s
        or "ggml_graph_compute_thread" in s or "schedule" in s or "task_switch" in s or "spin_unlock" in s),
    ("other", lambda d, s: True),
]


def samples(path):
    counts = {}
    for line in open(path):
        m = re.match(r"\s*([0-9]+)\s+(\S+)\s+\[[.k]\]\s+(.*\S)", line)
        if m:
            key = (m.group(2), m.group(3))
            counts[key] = counts.get(key, 0) + int(m.group(1))
    return counts


def main():
    args = sys.argv[1:]
    dense_bytes = None
    if "--dense-bytes" in args:
        i = args.index("--dense-bytes")
        dense_bytes = [float(x) for x in args[i + 1].split(",")]
        del args[i:i + 2]
    long_run, short_run, rate = samples(args[0]), samples(args[1]), float(args[2])
    per_class = {c: 0 for c, _ in CLASSES}
    zeroing = 0
    for key in long_run.keys() | short_run.keys():
        n = long_run.get(key, 0) - short_run.get(key, 0)
        if key[0] == "[kernel.kallsyms]" and key[1].startswith("clear_page"):
            # The kernel zeroing fresh anonymous pages: the load's buffers (the repacked experts), which the page
            # cache's state makes differ between the two runs, not decode work; left out of the step's shares.
            zeroing += n
            continue
        for c, pred in CLASSES:
            if pred(*key):
                per_class[c] += n
                break
    decode = sum(max(v, 0) for v in per_class.values())
    step = 1000.0 / rate
    print(f"llama.cpp decode step {step:.1f} ms ({rate} tok/s), {decode} decode samples"
          f" ({zeroing} samples of page zeroing left out)")
    print(f"{'operation class':52s} {'ms/token':>9s} {'share':>6s}")
    for c, _ in CLASSES:
        share = max(per_class[c], 0) / decode
        print(f"{c:52s} {share * step:9.2f} {100 * share:5.1f}%")
        if c.startswith("dense") and dense_bytes:
            p, u = dense_bytes
            for name, part in (("  of it: attention projections q/k/v/o", p / (p + u)), ("  of it: unembedding", u / (p + u))):
                print(f"{name:52s} {share * part * step:9.2f} {100 * share * part:5.1f}%")


if __name__ == "__main__":
    main()
