"""Finding ideas: lists, filters, search, challenge pages, feeds."""
