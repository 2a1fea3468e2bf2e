"""schedlab's report: reads results directories written by `schedlab run` (or `schedlab live`)
and writes report.html (self-contained) and report.md comparing their variants."""
