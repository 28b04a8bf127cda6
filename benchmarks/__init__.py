"""Benchmarks for newsarchive: a synthetic corpus generator and timing harnesses.

* `benchmarks.corpus`: deterministic synthetic articles in the scraped-page shape.
* `benchmarks.run`: whole-process build timings (cold, no-op and incremental rebuilds).
* `benchmarks.load_bbc`: loader throughput on the BBC full-text corpus, when present.

Benchmarks report numbers; they never assert timings.
"""
