"""Paywall pages: a teaser and a "subscribe to read" prompt are not the article.

A page is a paywall teaser when it has a paywall signal and what extraction found
is short (`paywall_max_words`). The signals: a subscription prompt in the page's
visible text ("subscribe to continue reading", "already a subscriber?"), the
schema.org markup publishers give search engines for paywalled content
(`"isAccessibleForFree": false`), or paywall containers in the markup (class
names such as `paywall`). No signal alone decides: publishers mark whole articles
as not free while serving their full text (two of the 91 real pages of
../shared/data/article_extraction do, and extraction gets their full bodies), and
many free articles end with a newsletter "subscribe" line. Only the combination
of a signal with a short text says that the rest of the article is withheld.
Measured on those 91 pages (benchmarks/paywall_pages.py): one page is refused,
a real Wall Street Journal teaser (its "gold" body is the 67-word teaser ending
"All..."); no complete article is.
"""

from __future__ import annotations

import re

# Prompts that withhold *this* article (not newsletter or podcast invitations).
_PROMPT = re.compile(
    r"\b(?:subscribe|sign up|register|log ?in|sign ?in)\b[^.!?\n]{0,40}\bto (?:continue reading|read (?:the|this) "
    r"(?:full |rest of the |whole )?(?:article|story)|keep reading|read more of this|unlock)"
    r"|\bto (?:continue|keep) reading,? (?:please )?(?:subscribe|log ?in|sign ?in|register|become a (?:subscriber|member))"
    r"|\bsubscribe (?:now )?to read\b"
    r"|\balready (?:a subscriber|have an? (?:subscription|account))\b"
    r"|\bthis (?:article|story|content) is (?:only )?(?:available|reserved|exclusive) (?:to|for) "
    r"(?:our )?(?:paying )?(?:subscribers|members)"
    r"|\b(?:for )?subscribers only\b"
    r"|\byou(?:'ve| have) (?:reached|used) (?:your|all of your) (?:\w+ )?(?:free )?(?:article|story|stories|articles)"
    r"|\bunlock (?:this|the full) (?:article|story)\b",
    re.IGNORECASE,
)
_NOT_FREE = re.compile(
    r"""["']?isAccessibleForFree["']?\s*(?::\s*["']?|["']?\s+content\s*=\s*["'])false\b""", re.IGNORECASE
)
# Whole class or id tokens only: a site-wide login widget ("paywall-header-wrap",
# "paywall-login-link" on a free short article of the real set) is not a paywall.
_PAYWALL_MARKUP = re.compile(
    r"""\b(?:class|id)\s*=\s*["'](?:[^"']*\s)?(?:paywall|pay-wall|subscriber-only|subscribers-only|premium-content|"""
    r"""metered-content|piano-offer|tp-modal)(?=["'\s])""",
    re.IGNORECASE,
)


def _visible_text(html: str) -> str:
    import html_text

    try:
        return html_text.extract_text(html, guess_layout=False)
    except Exception:  # noqa: BLE001 - markup lxml cannot parse: fall back to the raw page
        return html


def paywall_signal(html: str) -> str | None:
    """What on the page says that it is paywalled, in a few words (None: nothing)."""
    prompt = _PROMPT.search(_visible_text(html))
    if prompt:
        return f"a subscription prompt (“{' '.join(prompt.group(0).split())}”)"
    if _NOT_FREE.search(html):
        return "paywall markup (isAccessibleForFree: false)"
    if _PAYWALL_MARKUP.search(html):
        return "a paywall container in the page"
    return None


def paywall_reason(html: str, article_words: int, max_words: int) -> str | None:
    """Why the page is a paywall teaser rather than the article, or None."""
    if article_words >= max_words:
        return None
    signal = paywall_signal(html)
    if signal is None:
        return None
    found = f"only {article_words} words of article text" if article_words else "no article text"
    return f"paywalled: {signal} and {found} (not extracted)"
