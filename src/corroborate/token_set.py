"""rapidfuzz's token-set ratio of many pairs of a fixed set of texts, compiled (numba).

A big story asks for the token-set ratio of millions of pairs of its sentences (at
300 long articles: 3 million pairs of ~24,500 distinct sentence texts whose static
cosine makes a paraphrase possible). rapidfuzz splits, sorts and joins both texts
anew for every pair: ~40 us a pair of news sentences here (`process.cpdist`, one
thread), 14 s of CPU at 300 articles even after a letter-count bound had dropped
seven pairs in eight. Here each text is split and sorted once, its words numbered
in sorted order, and a pair costs a merge of two short sorted integer lists plus a
bit-parallel longest common subsequence (Hyyro's) of the two joined differences:
~0.3 us a pair, measured on the same pairs (BENCHMARKS.md, round 5).

The result is rapidfuzz's number, bit for bit, not an approximation: the same
decomposition into shared words and each text's own words (`fuzz_py.token_set_ratio`,
rapidfuzz's reference implementation), the same Indel distance (an integer), the
same float formula (`100 - 100 * dist / lensum`). tests/test_token_set.py compares
it with rapidfuzz on generated texts; the relations benchmark compared every pair
of a 300-article story. Texts must be split the way rapidfuzz splits them: the
callers give `dedup.normalise`d text (words separated by single spaces).

Imported only for big stories: numba's import costs 0.5 s, which a five-article
brief does not pay (it asks rapidfuzz). Compiled once into numba's on-disk cache
(`make install` runs this module)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit


class TokenSetRatios:
    """`fuzz.token_set_ratio(texts[i], texts[j])` (0..100) for many pairs (i, j) at once."""

    def __init__(self, texts: Sequence[str]) -> None:
        split = [sorted(set(text.split())) for text in texts]
        vocabulary = sorted({word for words in split for word in words})  # code-point order, as rapidfuzz sorts
        number = {word: k for k, word in enumerate(vocabulary)}
        self.text_start = np.zeros(len(texts) + 1, dtype=np.int64)
        self.text_start[1:] = np.cumsum([len(words) for words in split])
        # Ascending within each text: words are numbered in sorted order.
        self.text_words = np.array([number[word] for words in split for word in words], dtype=np.int64)
        lengths = np.array([len(word) for word in vocabulary], dtype=np.int64)
        self.word_start = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        self.word_start[1:] = np.cumsum(lengths)
        points = np.frombuffer("".join(vocabulary).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        alphabet, self.word_chars = np.unique(points, return_inverse=True)  # characters numbered densely
        self.word_chars = self.word_chars.astype(np.int64)
        self.alphabet = max(1, len(alphabet))
        # Each text's letter counts (its distinct words'), the characters past the
        # `_BUCKETS - 1` commonest pooled in the last bucket: the counts of a pair's own
        # words differ by the difference of these (the shared words cancel out), and
        # pooling only lowers a sum of absolute differences, so the bound stays a bound.
        common = np.argsort(-np.bincount(self.word_chars, minlength=self.alphabet), kind="stable")
        bucket_of = np.full(self.alphabet, _BUCKETS - 1, dtype=np.int64)
        bucket_of[common[: _BUCKETS - 1]] = np.arange(min(self.alphabet, _BUCKETS - 1))
        text_of_word = np.repeat(np.arange(len(texts)), np.diff(self.text_start))
        char_counts = np.diff(self.word_start)[self.text_words]  # characters of each (text, word)
        self.text_letters = np.zeros((len(texts), _BUCKETS), dtype=np.int32)
        # Every character of every (text, word): its place in `word_chars`.
        offsets = np.arange(char_counts.sum()) - np.repeat(np.cumsum(char_counts) - char_counts, char_counts)
        chars_of_entries = self.word_chars[np.repeat(self.word_start[:-1][self.text_words], char_counts) + offsets]
        np.add.at(self.text_letters, (np.repeat(text_of_word, char_counts), bucket_of[chars_of_entries]), 1)
        # The longest joined text a pair can build (all of one text's words).
        per_text = np.add.reduceat(np.append(lengths[self.text_words] + 1, 0), self.text_start[:-1]) if len(self.text_words) else np.zeros(len(texts))
        self.longest = int(per_text.max()) if len(per_text) else 0

    def __call__(self, left: np.ndarray, right: np.ndarray, score_cutoff: np.ndarray | None = None) -> np.ndarray:
        """Ratios of pairs `left[k]`, `right[k]` (indices into the texts), float64 0..100;
        with `score_cutoff`, 0.0 where the ratio is below `score_cutoff[k]` (as rapidfuzz's
        `score_cutoff`), which spares the subsequence of pairs that a letter count rules out."""
        left = np.ascontiguousarray(left, dtype=np.int64)
        right = np.ascontiguousarray(right, dtype=np.int64)
        cutoff = np.zeros(len(left)) if score_cutoff is None else np.ascontiguousarray(score_cutoff, dtype=np.float64)
        out = np.zeros(len(left), dtype=np.float64)
        if len(left):
            _ratios(self.text_start, self.text_words, self.word_start, self.word_chars, self.alphabet,
                    self.text_letters, max(1, self.longest), left, right, cutoff, out)  # fmt: skip
        return out


_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
# Letter-count buckets a text keeps for the bound (news text has about 60 characters).
_BUCKETS = 64


@njit(cache=True, nogil=True)
def _append(word, buffer, length, word_start, word_chars):
    """Append `word` to the joined string in `buffer` (one space between words); the new length."""
    if length:
        buffer[length] = -1  # the space: a character no word holds
        length += 1
    for c in range(word_start[word], word_start[word + 1]):
        buffer[length] = word_chars[c]
        length += 1
    return length


@njit(cache=True, nogil=True)
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def _lcs(first, n_first, second, n_second, masks, state):
    """Length of the longest common subsequence of first[:n_first] and second[:n_second]
    (character numbers; -1 is the space, kept in the last row of `masks`). Bit-parallel,
    64 characters of `first` a word: V' = (V + (V & M)) | (V & ~M) for each character of
    `second` (Hyyro 2004; V - (V & M) = V & ~M, so only the addition carries)."""
    if n_first == 0 or n_second == 0:
        return 0
    space = masks.shape[0] - 1
    blocks = (n_first + 63) // 64
    for i in range(n_first):
        c = first[i] if first[i] >= 0 else space
        masks[c, i >> 6] |= np.uint64(1) << np.uint64(i & 63)
    for w in range(blocks):
        state[w] = _ONES
    for j in range(n_second):
        c = second[j] if second[j] >= 0 else space
        carry = np.uint64(0)
        for w in range(blocks):
            v = state[w]
            u = v & masks[c, w]
            total = v + u
            next_carry = np.uint64(1) if total < v else np.uint64(0)
            total2 = total + carry
            if total2 < total:
                next_carry = np.uint64(1)
            state[w] = total2 | (v & ~masks[c, w])
            carry = next_carry
    common = 0
    for w in range(blocks):
        zeros = ~state[w]
        if w == blocks - 1 and n_first & 63:
            zeros &= (np.uint64(1) << np.uint64(n_first & 63)) - np.uint64(1)
        common += _popcount(zeros)
    for i in range(n_first):
        c = first[i] if first[i] >= 0 else space
        masks[c, i >> 6] = np.uint64(0)
    return common


@njit(cache=True, nogil=True)
def _norm(distance, lensum):
    """rapidfuzz's `_norm_distance` without a cutoff."""
    if lensum == 0:
        return 100.0
    return 100.0 - 100.0 * distance / lensum


@njit(cache=True, nogil=True)
def _ratios(text_start, text_words, word_start, word_chars, alphabet, text_letters, longest, left, right, cutoff, out):
    masks = np.zeros((alphabet + 1, (longest + 63) // 64 + 1), dtype=np.uint64)
    state = np.zeros((longest + 63) // 64 + 1, dtype=np.uint64)
    own_a = np.empty(longest + 1, dtype=np.int64)
    own_b = np.empty(longest + 1, dtype=np.int64)
    for k in range(len(left)):
        a, b = left[k], right[k]
        first_a, end_a, first_b, end_b = text_start[a], text_start[a + 1], text_start[b], text_start[b + 1]
        if first_a == end_a or first_b == end_b:  # a text without words: rapidfuzz says 0
            out[k] = 0.0
            continue
        # The decomposition's lengths: shared words, and each text's own.
        ia, ib = first_a, first_b
        shared = shared_chars = n_ab = n_ba = chars_ab = chars_ba = 0
        while ia < end_a and ib < end_b:
            wa, wb = text_words[ia], text_words[ib]
            if wa == wb:
                shared += 1
                shared_chars += word_start[wa + 1] - word_start[wa]
                ia += 1
                ib += 1
            elif wa < wb:
                n_ab += 1
                chars_ab += word_start[wa + 1] - word_start[wa]
                ia += 1
            else:
                n_ba += 1
                chars_ba += word_start[wb + 1] - word_start[wb]
                ib += 1
        for i in range(ia, end_a):
            n_ab += 1
            chars_ab += word_start[text_words[i] + 1] - word_start[text_words[i]]
        for i in range(ib, end_b):
            n_ba += 1
            chars_ba += word_start[text_words[i] + 1] - word_start[text_words[i]]
        if shared and (n_ab == 0 or n_ba == 0):  # one text's words are all in the other
            out[k] = 100.0 if 100.0 >= cutoff[k] else 0.0
            continue
        ab_len = chars_ab + n_ab - 1 if n_ab else 0  # the own words joined by spaces
        ba_len = chars_ba + n_ba - 1 if n_ba else 0
        sect_len = shared_chars + shared - 1 if shared else 0
        joint = 1 if sect_len else 0
        sect_ab_len = sect_len + joint + ab_len
        sect_ba_len = sect_len + joint + ba_len
        lensum = sect_ab_len + sect_ba_len
        cheap = 0.0  # the two ratios that follow from lengths
        if sect_len:
            cheap = max(_norm(joint + ab_len, sect_len + sect_ab_len), _norm(joint + ba_len, sect_len + sect_ba_len))
        # The Indel distance of the own words is at least the sum of the differences of
        # each character's count (an insertion or deletion changes one count by one):
        # the letters (shared words cancel out) and the spaces. `_norm` is monotone, so
        # the ratio is at most `_norm` of that.
        least = abs(max(n_ab - 1, 0) - max(n_ba - 1, 0))
        for c in range(text_letters.shape[1]):
            least += abs(text_letters[a, c] - text_letters[b, c])
        most = _norm(least, lensum)
        if max(cheap, most) < cutoff[k]:
            out[k] = 0.0
            continue
        if cheap >= most:  # the subsequence cannot do better than the lengths
            out[k] = cheap
            continue
        # The own words joined, and their longest common subsequence.
        ia, ib = first_a, first_b
        ab_len = ba_len = 0
        while ia < end_a or ib < end_b:
            if ia < end_a and ib < end_b and text_words[ia] == text_words[ib]:
                ia += 1
                ib += 1
            elif ib == end_b or (ia < end_a and text_words[ia] < text_words[ib]):
                ab_len = _append(text_words[ia], own_a, ab_len, word_start, word_chars)
                ia += 1
            else:
                ba_len = _append(text_words[ib], own_b, ba_len, word_start, word_chars)
                ib += 1
        if ab_len <= ba_len:  # the shorter one as the bit pattern: fewer words a step
            common = _lcs(own_a, ab_len, own_b, ba_len, masks, state)
        else:
            common = _lcs(own_b, ba_len, own_a, ab_len, masks, state)
        result = max(cheap, _norm(ab_len + ba_len - 2 * common, lensum))
        out[k] = result if result >= cutoff[k] else 0.0


def warm_up() -> None:
    """Compile the kernel into numba's on-disk cache."""
    TokenSetRatios(["a b", "a c"])(np.array([0]), np.array([1]))


if __name__ == "__main__":
    warm_up()
