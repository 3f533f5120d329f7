"""QA: exported results, result sets from any source, and comparisons between two of them."""
